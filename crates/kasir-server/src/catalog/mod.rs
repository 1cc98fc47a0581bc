//! The catalog: categories, brands, taxes, modifier groups, products with variants, and their
//! CSV/XLSX import and export.

pub mod product_draft;
pub mod product_io;
pub mod products;
pub mod resources;
