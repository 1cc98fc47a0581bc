//! The `ws` bench's clients: every socket, after its handshake, read by one thread of its own
//! over `epoll`. It stands in for devices on other machines, so it must cost the shared cores as
//! little as it can: one `recv` per ready socket, frames parsed in place, and only each text
//! frame's `seq` and `at` read. With tokio-tungstenite tasks instead, the 2,000 clients used as
//! much CPU as the server they measure.

use std::{
    io::{ErrorKind, Read, Write},
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::Duration,
};

use anyhow::Context;
use mio::{net::TcpStream, Events, Interest, Poll, Token};

/// What one client saw: each event's seq and its latency from commit to receipt (ms).
pub type Seen = Vec<(i64, f64)>;

/// One client: its socket, the bytes of a frame not yet complete, and what it saw.
struct Client {
    stream: TcpStream,
    pending: Vec<u8>,
    seen: Seen,
    closed: bool,
}

/// The reading threads: started with the sockets, stopped with [`Readers::stop`].
pub struct Readers {
    stop: Arc<AtomicBool>,
    threads: Vec<std::thread::JoinHandle<anyhow::Result<Vec<Seen>>>>,
}

impl Readers {
    /// Starts reading `sockets` (each already past its WebSocket handshake, nothing read beyond),
    /// split over `threads` threads.
    pub fn start(sockets: Vec<std::net::TcpStream>, threads: usize) -> anyhow::Result<Readers> {
        let stop = Arc::new(AtomicBool::new(false));
        let per_thread = sockets.len().div_ceil(threads.max(1)).max(1);
        let mut sockets = sockets.into_iter().peekable();
        let mut handles = Vec::new();
        while sockets.peek().is_some() {
            let poll = Poll::new()?;
            let mut clients = Vec::with_capacity(per_thread);
            for (i, s) in sockets.by_ref().take(per_thread).enumerate() {
                s.set_nonblocking(true)?;
                let mut stream = TcpStream::from_std(s);
                poll.registry().register(&mut stream, Token(i), Interest::READABLE)?;
                clients.push(Client { stream, pending: Vec::new(), seen: Seen::new(), closed: false });
            }
            let stopped = stop.clone();
            let thread = std::thread::Builder::new()
                .name("ws-readers".into())
                .spawn(move || read_all(poll, clients, &stopped))?;
            handles.push(thread);
        }
        Ok(Readers { stop, threads: handles })
    }

    /// Stops reading and returns what each client saw.
    pub fn stop(self) -> anyhow::Result<Vec<Seen>> {
        self.stop.store(true, Ordering::SeqCst);
        let mut seen = Vec::new();
        for t in self.threads {
            seen.extend(t.join().map_err(|_| anyhow::anyhow!("a reading thread panicked"))??);
        }
        Ok(seen)
    }
}

fn read_all(mut poll: Poll, mut clients: Vec<Client>, stop: &AtomicBool) -> anyhow::Result<Vec<Seen>> {
    let mut events = Events::with_capacity(1024);
    let mut buf = vec![0u8; 64 * 1024];
    while !stop.load(Ordering::SeqCst) {
        poll.poll(&mut events, Some(Duration::from_millis(50)))?;
        for event in &events {
            let client = &mut clients[event.token().0];
            // Edge-triggered: read until the socket has nothing more.
            while !client.closed {
                match client.stream.read(&mut buf) {
                    Ok(0) => client.closed = true,
                    Ok(n) => client.received(&buf[..n])?,
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                    Err(e) => return Err(e).context("a client's read"),
                }
            }
        }
    }
    Ok(clients.into_iter().map(|c| c.seen).collect())
}

impl Client {
    /// Takes in bytes read and handles each frame they complete.
    fn received(&mut self, bytes: &[u8]) -> anyhow::Result<()> {
        // Frames are handled from `bytes` directly unless an earlier read left part of one.
        let mut joined;
        let mut rest: &[u8] = if self.pending.is_empty() {
            bytes
        } else {
            joined = std::mem::take(&mut self.pending);
            joined.extend_from_slice(bytes);
            &joined[..]
        };
        while let Some((frame, used)) = next_frame(rest)? {
            self.handle(frame)?;
            rest = &rest[used..];
        }
        self.pending = rest.to_vec();
        Ok(())
    }

    fn handle(&mut self, frame: Frame) -> anyhow::Result<()> {
        match frame.opcode {
            OP_TEXT => {
                let text = std::str::from_utf8(frame.payload).context("a text frame is not UTF-8")?;
                if let Some(x) = seq_and_latency(text) {
                    self.seen.push(x);
                }
            }
            OP_PING => self.pong(frame.payload)?,
            OP_CLOSE => self.closed = true,
            _ => {}
        }
        Ok(())
    }

    /// Answers a ping: a client's frames are masked (RFC 6455 §5.3).
    fn pong(&mut self, payload: &[u8]) -> anyhow::Result<()> {
        anyhow::ensure!(payload.len() < 126, "a ping's payload is at most 125 bytes");
        let mask = [0x5a, 0x17, 0xc3, 0x9e];
        let mut out = vec![0x80 | OP_PONG, 0x80 | payload.len() as u8];
        out.extend_from_slice(&mask);
        out.extend(payload.iter().enumerate().map(|(i, b)| b ^ mask[i % 4]));
        self.stream.write_all(&out).context("answering a ping")
    }
}

const OP_TEXT: u8 = 0x1;
const OP_CLOSE: u8 = 0x8;
const OP_PING: u8 = 0x9;
const OP_PONG: u8 = 0xa;

struct Frame<'a> {
    opcode: u8,
    payload: &'a [u8],
}

/// The first whole frame of `bytes` and the bytes it takes, or `None` if it is not all there.
fn next_frame(bytes: &[u8]) -> anyhow::Result<Option<(Frame<'_>, usize)>> {
    let [b0, b1, ..] = *bytes else { return Ok(None) };
    anyhow::ensure!(b0 & 0x80 != 0, "the server sent a fragmented frame");
    anyhow::ensure!(b1 & 0x80 == 0, "the server sent a masked frame");
    let (len, head) = match b1 & 0x7f {
        126 if bytes.len() >= 4 => (u16::from_be_bytes([bytes[2], bytes[3]]) as usize, 4),
        127 if bytes.len() >= 10 => (u64::from_be_bytes(bytes[2..10].try_into()?) as usize, 10),
        126 | 127 => return Ok(None),
        n => (n as usize, 2),
    };
    if bytes.len() < head + len {
        return Ok(None);
    }
    Ok(Some((Frame { opcode: b0 & 0x0f, payload: &bytes[head..head + len] }, head + len)))
}

/// The fields of a frame a client here reads; the payload is skipped over, not built.
#[derive(serde::Deserialize)]
struct Head<'a> {
    seq: i64,
    at: &'a str,
}

/// The event's seq, and the milliseconds from its `at` (set as its transaction commits) to now.
fn seq_and_latency(text: &str) -> Option<(i64, f64)> {
    let head: Head = serde_json::from_str(text).ok()?;
    let at: jiff::Timestamp = head.at.parse().ok()?;
    let ms = (jiff::Timestamp::now() - at).total(jiff::Unit::Millisecond).ok()?;
    Some((head.seq, ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_split_anywhere_are_read_whole() {
        let text = br#"{"type":"SALE_CREATED","seq":7,"outlet_id":null,"at":"2026-12-05T10:00:00Z","payload":{}}"#;
        let mut wire = vec![0x81, text.len() as u8];
        wire.extend_from_slice(text);
        let long = "x".repeat(300);
        wire.extend_from_slice(&[0x81, 126, 1, 44]);
        wire.extend_from_slice(long.as_bytes());
        let (first, used) = next_frame(&wire).unwrap().unwrap();
        assert_eq!((first.opcode, first.payload), (OP_TEXT, &text[..]));
        let (second, used2) = next_frame(&wire[used..]).unwrap().unwrap();
        assert_eq!((second.payload.len(), used + used2), (300, wire.len()));
        for cut in 0..wire.len() {
            let whole = next_frame(&wire[..cut]).unwrap().map(|(_, n)| n);
            assert!(whole.is_none_or(|n| n <= cut), "cut at {cut}");
        }
        assert_eq!(seq_and_latency(std::str::from_utf8(text).unwrap()).map(|(s, _)| s), Some(7));
    }
}
