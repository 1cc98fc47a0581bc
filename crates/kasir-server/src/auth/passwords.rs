//! Argon2id password hashing (19 MiB, 2 passes, 1 lane: the OWASP minimum) on a small pool of
//! dedicated threads, each reusing one Argon2 memory buffer: however many logins arrive at once,
//! hashing holds at most `threads × 19 MiB` and the CPU it can take is bounded. Jobs wait in a
//! short queue; when it is full the request is refused at once ([`PasswordError::Busy`], a 503).
//! A thread that finds no job waiting after its last one hands its buffer's pages back to the
//! system, so an idle server holds none of that memory.

use std::{
    panic::{catch_unwind, AssertUnwindSafe},
    sync::{
        mpsc::{self, TryRecvError, TrySendError},
        Arc, Mutex, OnceLock, TryLockError,
    },
};

use argon2::{
    password_hash::{
        rand_core::{OsRng, RngCore},
        Output, ParamsString, PasswordHash, SaltString,
    },
    Algorithm, Argon2, Block, Params, Version,
};
use subtle::ConstantTimeEq;
use tokio::sync::oneshot;

use crate::api::ApiError;

/// The parameters of new hashes, checked when compiling.
const PARAMS: Params = match Params::new(19 * 1024, 2, 1, None) {
    Ok(p) => p,
    Err(_) => panic!("invalid argon2 parameters"),
};
/// Salt of new hashes, in bytes.
const SALT_LEN: usize = 16;
/// Most hashing threads whatever the core count: each keeps 19 MiB.
const MAX_THREADS: usize = 4;
/// Jobs that may wait per hashing thread: well under a second of waiting at 20-50 ms a hash.
const WAITING_PER_THREAD: usize = 16;
/// The highest memory cost (KiB) a stored hash may ask for: a corrupt row must not take gigabytes.
const MAX_STORED_M_COST: u32 = 256 * 1024;

/// Why a password could not be hashed or checked. Only [`PasswordError::Busy`] is the caller's to
/// retry; the others are faults of ours (500), never a wrong password.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// Every hashing thread is busy and the queue is full: try again shortly.
    #[error("password hashing is at capacity")]
    Busy,
    /// The stored hash is not an Argon2 PHC string this server can check.
    #[error("the stored password hash is unusable: {0}")]
    StoredHash(String),
    /// Argon2 or the random source failed.
    #[error("password hashing failed: {0}")]
    Hashing(String),
    /// The hashing thread could not start, panicked or went away.
    #[error("the password hashing thread failed: {0}")]
    Thread(String),
}

impl From<PasswordError> for ApiError {
    fn from(e: PasswordError) -> Self {
        match e {
            PasswordError::Busy => ApiError::Busy,
            e => ApiError::internal("passwords", e),
        }
    }
}

/// Hashes a password with the current parameters into a PHC string
/// (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`).
pub async fn hash(password: String) -> Result<String, PasswordError> {
    let mut salt = [0u8; SALT_LEN];
    OsRng.try_fill_bytes(&mut salt).map_err(|e| PasswordError::Hashing(format!("salt: {e}")))?;
    let job =
        Job { password, algorithm: Algorithm::Argon2id, version: Version::V0x13, params: PARAMS, salt: salt.into() };
    let output = run(job).await?;
    let failed = |e: argon2::password_hash::Error| PasswordError::Hashing(e.to_string());
    let salt = SaltString::encode_b64(&salt).map_err(failed)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&PARAMS).map_err(failed)?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&output).map_err(failed)?),
    };
    Ok(phc.to_string())
}

/// Checks a password against a stored PHC hash, with the parameters written in it. With no hash
/// (unknown user) it does the same work against a dummy so that the answer takes as long either
/// way, and answers `false`. A stored hash that cannot be checked is an error, never a `false`.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, PasswordError> {
    let (job, expected) = match stored.as_deref() {
        Some(phc) => parse_stored(password, phc)?,
        None => {
            let dummy = Job {
                password,
                algorithm: Algorithm::Argon2id,
                version: Version::V0x13,
                params: PARAMS,
                salt: vec![0; SALT_LEN],
            };
            (dummy, Vec::new())
        }
    };
    let output = run(job).await?;
    Ok(stored.is_some() && bool::from(output.ct_eq(&expected)))
}

/// One Argon2 computation: its output is the raw hash.
struct Job {
    password: String,
    algorithm: Algorithm,
    version: Version,
    params: Params,
    salt: Vec<u8>,
}

impl Job {
    /// Computes the hash in the thread's `memory`, made at today's size on its first job; only an
    /// older hash made with more memory than today's needs a buffer of its own.
    fn compute(&self, memory: &mut Vec<Block>) -> Result<Vec<u8>, PasswordError> {
        let argon2 = Argon2::new(self.algorithm, self.version, self.params.clone());
        let mut output = vec![0u8; self.params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
        let (password, salt) = (self.password.as_bytes(), self.salt.as_slice());
        let blocks = self.params.block_count();
        if memory.len() < blocks && blocks <= PARAMS.block_count() {
            memory.resize(PARAMS.block_count(), Block::default());
        }
        let done = if blocks <= memory.len() {
            argon2.hash_password_into_with_memory(password, salt, &mut output, &mut memory[..blocks])
        } else {
            // Not kept: only a stored hash costlier than today's parameters gets here.
            argon2.hash_password_into_with_memory(password, salt, &mut output, vec![Block::default(); blocks])
        };
        done.map_err(|e| PasswordError::Hashing(e.to_string()))?;
        Ok(output)
    }
}

/// The job that recomputes a stored hash, and the output it must give.
fn parse_stored(password: String, phc: &str) -> Result<(Job, Vec<u8>), PasswordError> {
    let unusable = |e: &dyn std::fmt::Display| PasswordError::StoredHash(e.to_string());
    let parsed = PasswordHash::new(phc).map_err(|e| unusable(&e))?;
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(|e| unusable(&e))?;
    // A PHC string without `v=` means the current version, as the argon2 crate reads it.
    let version = parsed.version.map(Version::try_from).transpose().map_err(|e| unusable(&e))?.unwrap_or_default();
    let params = Params::try_from(&parsed).map_err(|e| unusable(&e))?;
    if params.m_cost() > MAX_STORED_M_COST {
        return Err(unusable(&format_args!("memory cost {} KiB is above the limit", params.m_cost())));
    }
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(unusable(&"salt or hash missing"));
    };
    let mut buf = [0u8; 64];
    let salt = salt.decode_b64(&mut buf).map_err(|e| unusable(&e))?.to_vec();
    Ok((Job { password, algorithm, version, params, salt }, expected.as_bytes().to_vec()))
}

/// Runs a job on the hashing pool and waits for its output.
async fn run(job: Job) -> Result<Vec<u8>, PasswordError> {
    let answer = pool()?.submit(job)?;
    answer.await.map_err(|_| PasswordError::Thread("it went away without answering".into()))?
}

/// The process's hashing pool, started on first use.
fn pool() -> Result<&'static Pool, PasswordError> {
    static POOL: OnceLock<Result<Pool, String>> = OnceLock::new();
    POOL.get_or_init(|| {
        let threads = std::thread::available_parallelism().map_or_else(
            |e| {
                tracing::warn!(error = %e, "the core count is unknown; hashing passwords on one thread");
                1
            },
            |n| n.get().min(MAX_THREADS),
        );
        Pool::start(threads, threads * WAITING_PER_THREAD).map_err(|e| format!("it could not be started: {e}"))
    })
    .as_ref()
    .map_err(|e| PasswordError::Thread(e.clone()))
}

/// A job and where its answer goes.
struct Task {
    job: Job,
    reply: oneshot::Sender<Result<Vec<u8>, PasswordError>>,
}

/// Hashing threads fed by one bounded queue.
struct Pool {
    queue: mpsc::SyncSender<Task>,
}

impl Pool {
    /// Starts `threads` threads sharing a queue of `waiting` jobs.
    fn start(threads: usize, waiting: usize) -> std::io::Result<Pool> {
        let (pool, tasks) = Pool::with_queue(waiting);
        let tasks = Arc::new(Mutex::new(tasks));
        for i in 0..threads {
            let tasks = tasks.clone();
            std::thread::Builder::new().name(format!("kasir-argon2-{i}")).spawn(move || work(&tasks))?;
        }
        Ok(pool)
    }

    /// A pool without threads yet, and the receiving end of its queue of `waiting` jobs.
    fn with_queue(waiting: usize) -> (Pool, mpsc::Receiver<Task>) {
        let (queue, tasks) = mpsc::sync_channel(waiting);
        (Pool { queue }, tasks)
    }

    /// Queues a job without waiting: a full queue is [`PasswordError::Busy`].
    fn submit(&self, job: Job) -> Result<oneshot::Receiver<Result<Vec<u8>, PasswordError>>, PasswordError> {
        let (reply, answer) = oneshot::channel();
        self.queue.try_send(Task { job, reply }).map_err(|e| match e {
            TrySendError::Full(_) => {
                tracing::warn!("password hashing queue is full; refusing the request");
                PasswordError::Busy
            }
            TrySendError::Disconnected(_) => PasswordError::Thread("every hashing thread has stopped".into()),
        })?;
        Ok(answer)
    }
}

/// One hashing thread: takes jobs until the pool is dropped, always in the same memory (allocated
/// by the first job, so that a thread that never hashes holds none).
fn work(tasks: &Mutex<mpsc::Receiver<Task>>) {
    let mut memory = Vec::new();
    let mut waiting: Option<Task> = None;
    loop {
        // The lock is held only while waiting, so idle threads take the next job in turn; nothing
        // panics while holding it, and a poisoned lock still guards a sound receiver.
        let next = match waiting.take() {
            Some(task) => Ok(task),
            None => match tasks.lock() {
                Ok(rx) => rx.recv(),
                Err(poisoned) => poisoned.into_inner().recv(),
            },
        };
        let Ok(Task { job, reply }) = next else {
            return;
        };
        // A request that was cancelled while waiting needs no hash.
        if reply.is_closed() {
            continue;
        }
        let result = catch_unwind(AssertUnwindSafe(|| job.compute(&mut memory)))
            .unwrap_or_else(|_| Err(PasswordError::Thread("it panicked".into())));
        // An error here only means the request went away meanwhile: nobody is left to answer.
        let _ = reply.send(result);
        // Another job waiting runs in the warm buffer; none, and its pages go back. A lock held
        // by another thread means it is blocked waiting for a job: none is queued.
        let ahead = match tasks.try_lock() {
            Ok(rx) => rx.try_recv(),
            Err(TryLockError::WouldBlock) => Err(TryRecvError::Empty),
            Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner().try_recv(),
        };
        match ahead {
            Ok(task) => waiting = Some(task),
            Err(TryRecvError::Empty) => release(&mut memory),
            Err(TryRecvError::Disconnected) => return,
        }
    }
}

/// Hands the whole pages of `memory` back to the system (Linux `MADV_DONTNEED`): the buffer stays
/// allocated, and its pages read as zeros when next touched, which Argon2 overwrites before it
/// reads. Elsewhere the buffer is simply kept.
fn release(memory: &mut [Block]) {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: sysconf only reads a constant of the system.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(4096).max(1);
        let start = memory.as_mut_ptr() as usize;
        let end = start + std::mem::size_of_val(memory);
        let (first, last) = (start.div_ceil(page) * page, end / page * page);
        if last > first {
            // SAFETY: [first, last) lies inside `memory`, which this thread borrows mutably, so
            // nothing else reads or writes it; the allocator's bookkeeping lies outside it. On
            // private anonymous memory MADV_DONTNEED only makes these pages read as zeros, a
            // valid value for `Block` (an array of u64).
            let rc = unsafe { libc::madvise(first as *mut libc::c_void, last - first, libc::MADV_DONTNEED) };
            if rc != 0 {
                tracing::warn!(error = %std::io::Error::last_os_error(), "could not release a hashing buffer's pages");
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = memory;
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordHasher;

    #[tokio::test]
    async fn hashes_verify_and_use_argon2id_with_the_minimum_cost() {
        let h = hash("correct horse".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify("correct horse".into(), Some(h.clone())).await.unwrap());
        assert!(!verify("wrong horse".into(), Some(h)).await.unwrap());
        assert!(!verify("anything".into(), None).await.unwrap());
    }

    #[tokio::test]
    async fn new_hashes_are_read_by_the_argon2_crate_and_its_hashes_by_us() {
        use argon2::PasswordVerifier;
        let ours = hash("correct horse".into()).await.unwrap();
        assert!(Argon2::default().verify_password(b"correct horse", &PasswordHash::new(&ours).unwrap()).is_ok());
        let salt = SaltString::generate(&mut OsRng);
        let theirs = Argon2::default().hash_password(b"correct horse", &salt).unwrap().to_string();
        assert!(theirs.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{theirs}");
        assert!(verify("correct horse".into(), Some(theirs)).await.unwrap());
    }

    #[tokio::test]
    async fn a_hash_made_with_other_parameters_still_verifies() {
        let params = Params::new(8192, 1, 1, None).unwrap();
        let salt = SaltString::generate(&mut OsRng);
        let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let old = argon2.hash_password(b"correct horse", &salt).unwrap().to_string();
        assert!(old.starts_with("$argon2id$v=19$m=8192,t=1,p=1$"), "{old}");
        assert!(verify("correct horse".into(), Some(old.clone())).await.unwrap());
        assert!(!verify("wrong horse".into(), Some(old)).await.unwrap());
    }

    #[tokio::test]
    async fn a_malformed_stored_hash_is_an_error_not_a_wrong_password() {
        let good = hash("correct horse".into()).await.unwrap();
        let (head, _) = good.rsplit_once('$').unwrap();
        for stored in [
            "".to_string(),
            "not a hash".to_string(),
            format!("{head}$"),
            head.to_string(),
            good.replace("argon2id", "scrypt"),
            good.replace("v=19", "v=20"),
            good.replace("m=19456", "m=1048576"),
        ] {
            let got = verify("correct horse".into(), Some(stored.clone())).await;
            assert!(matches!(got, Err(PasswordError::StoredHash(_))), "{stored:?}: {got:?}");
        }
    }

    #[tokio::test]
    async fn a_full_queue_refuses_at_once_with_busy() {
        // No thread takes jobs: the single queue slot stays taken.
        let (pool, _tasks) = Pool::with_queue(1);
        let job = || Job {
            password: "pw".into(),
            algorithm: Algorithm::Argon2id,
            version: Version::V0x13,
            params: PARAMS,
            salt: vec![0; SALT_LEN],
        };
        let _waiting = pool.submit(job()).unwrap();
        assert!(matches!(pool.submit(job()), Err(PasswordError::Busy)));
    }
}
