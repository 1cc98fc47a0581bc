fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let order = std::path::Path::new(&dir).join("startup-order.txt");
    println!("cargo:rerun-if-changed=startup-order.txt");
    println!("cargo:rerun-if-changed=build.rs");
    // Release links on Linux only: the linker script is ELF's, and debug builds need no layout.
    let linux = std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux");
    if !linux || std::env::var("PROFILE").as_deref() != Ok("release") {
        return;
    }
    let Ok(names) = std::fs::read_to_string(&order) else { return };
    let mut script = String::from("SECTIONS {\n  .text.startup : {\n");
    for name in names.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
        script.push_str(&format!("    *(.text.{name})\n"));
    }
    script.push_str("  }\n}\nINSERT BEFORE .text;\n");
    let path = std::path::Path::new(&std::env::var("OUT_DIR").unwrap()).join("startup.ld");
    std::fs::write(&path, script).unwrap();
    println!("cargo:rustc-link-arg-bins=-Wl,-T,{}", path.display());
}
