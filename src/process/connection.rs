//! One running implementation process and the protocol traffic with it.
//!
//! Three tasks serve a connection: a writer that owns stdin (requests are
//! queued, never written by the caller, so a child that does not read cannot
//! block the suite), a reader that dispatches stdout replies by `seq`, and a
//! drain for stderr that keeps a bounded tail. The first fault (crash,
//! timeout, protocol violation) is remembered: every later request on this
//! connection fails with it, and the adapter starts a fresh process.

use super::lines::{LineRead, read_line};
use super::stderr_tail::StderrTail;
use crate::adapter::{AdapterError, AdapterFault};
use crate::protocol::{MAX_LINE_BYTES, Reply, ReplyBody, Request, parse_reply};
use std::collections::{HashMap, HashSet};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::process::{Child, Command};
use tokio::sync::{mpsc, oneshot};

type Waiter = oneshot::Sender<Result<ReplyBody, AdapterError>>;

/// Book-keeping shared by the caller and the reader task.
#[derive(Default)]
struct Traffic {
    pending: HashMap<u64, (&'static str, Waiter)>,
    timed_out: HashSet<u64>,
    issued: u64,
    fault: Option<AdapterError>,
}

struct Shared {
    traffic: Mutex<Traffic>,
    stderr: Mutex<StderrTail>,
    child: tokio::sync::Mutex<Option<Child>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Shared {
    /// Records the first fault and fails every waiting request with it.
    fn fail(&self, error: AdapterError) {
        let mut traffic = lock(&self.traffic);
        if traffic.fault.is_none() {
            traffic.fault = Some(error.clone());
        }
        let fault = traffic.fault.clone().unwrap_or(error);
        for (_, (_, waiter)) in traffic.pending.drain() {
            let _ = waiter.send(Err(fault.clone()));
        }
    }

    fn stderr_tail(&self) -> String {
        lock(&self.stderr).render()
    }

    fn protocol(&self, message: String) {
        self.fail(AdapterError::new(AdapterFault::Protocol, message));
    }

    fn dispatch(&self, reply: Reply) {
        let mut traffic = lock(&self.traffic);
        if let Some((_, waiter)) = traffic.pending.remove(&reply.seq) {
            let _ = waiter.send(Ok(reply.body));
            return;
        }
        if traffic.timed_out.contains(&reply.seq) {
            return; // a late reply to a request already reported as TIMEOUT
        }
        let message = if reply.seq >= 1 && reply.seq <= traffic.issued {
            format!("duplicate reply for seq {}", reply.seq)
        } else {
            format!(
                "reply for unknown seq {} (the last request sent was seq {})",
                reply.seq, traffic.issued
            )
        };
        drop(traffic);
        self.protocol(message);
    }
}

/// A running implementation process.
pub struct Connection {
    shared: Arc<Shared>,
    requests: mpsc::UnboundedSender<String>,
    next_seq: AtomicU64,
    timeout: Duration,
    command: String,
}

impl Connection {
    /// Starts `words` as a child process with piped stdio.
    pub fn spawn(words: &[String], timeout: Duration) -> Result<Connection, AdapterError> {
        let command = words.join(" ");
        let Some((program, args)) = words.split_first() else {
            return Err(AdapterError::new(
                AdapterFault::Internal,
                "the adapter command is empty",
            ));
        };
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| {
                AdapterError::new(
                    AdapterFault::Crash,
                    format!("cannot start `{command}`: {e}"),
                )
            })?;
        let (stdin, stdout, stderr) =
            match (child.stdin.take(), child.stdout.take(), child.stderr.take()) {
                (Some(i), Some(o), Some(e)) => (i, o, e),
                _ => {
                    return Err(AdapterError::new(
                        AdapterFault::Internal,
                        "the child's pipes are missing",
                    ));
                }
            };
        let shared = Arc::new(Shared {
            traffic: Mutex::new(Traffic::default()),
            stderr: Mutex::new(StderrTail::default()),
            child: tokio::sync::Mutex::new(Some(child)),
        });
        let (requests, mut queue) = mpsc::unbounded_channel::<String>();

        // Writer: owns stdin; the caller only queues.
        let writer_shared = shared.clone();
        tokio::spawn(async move {
            let mut stdin = stdin;
            while let Some(line) = queue.recv().await {
                let written = async {
                    stdin.write_all(line.as_bytes()).await?;
                    stdin.write_all(b"\n").await?;
                    stdin.flush().await
                };
                if let Err(e) = written.await {
                    let tail = writer_shared.stderr_tail();
                    writer_shared.fail(AdapterError::new(
                        AdapterFault::Crash,
                        format!("the implementation stopped reading its input ({e}); {tail}"),
                    ));
                    break;
                }
            }
        });

        // Stderr drain.
        let stderr_shared = shared.clone();
        tokio::spawn(async move {
            let mut reader = BufReader::new(stderr);
            while let Ok(LineRead::Line(line) | LineRead::TooLong(line)) =
                read_line(&mut reader, MAX_LINE_BYTES).await
            {
                lock(&stderr_shared.stderr).push(&line);
            }
        });

        // Reader: dispatches replies; on end of output, reports the crash.
        let reader_shared = shared.clone();
        tokio::spawn(async move {
            let mut reader = BufReader::new(stdout);
            loop {
                match read_line(&mut reader, MAX_LINE_BYTES).await {
                    Ok(LineRead::Line(bytes)) => {
                        let Ok(line) = String::from_utf8(bytes) else {
                            reader_shared.protocol("a reply line is not UTF-8".to_owned());
                            continue;
                        };
                        if line.trim().is_empty() {
                            continue;
                        }
                        match parse_reply(&line) {
                            Ok(reply) => reader_shared.dispatch(reply),
                            Err(e) => reader_shared.protocol(format!("invalid reply: {e}")),
                        }
                    }
                    Ok(LineRead::TooLong(_)) => {
                        reader_shared.protocol(format!(
                            "a reply line is longer than {MAX_LINE_BYTES} bytes"
                        ));
                    }
                    Ok(LineRead::Eof) | Err(_) => {
                        let status = exit_status(&reader_shared).await;
                        // Give the stderr drain a moment to catch the last words.
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        let tail = reader_shared.stderr_tail();
                        reader_shared.fail(AdapterError::new(
                            AdapterFault::Crash,
                            format!("the implementation closed its output ({status}); {tail}"),
                        ));
                        break;
                    }
                }
            }
        });

        Ok(Connection {
            shared,
            requests,
            next_seq: AtomicU64::new(1),
            timeout,
            command,
        })
    }

    /// The first fault of this connection, if any.
    pub fn fault(&self) -> Option<AdapterError> {
        lock(&self.shared.traffic).fault.clone()
    }

    /// Sends `request` and waits for its reply, at most the timeout.
    pub async fn request(&self, request: &Request) -> Result<ReplyBody, AdapterError> {
        let seq = self.next_seq.fetch_add(1, Ordering::SeqCst);
        let (waiter, reply) = oneshot::channel();
        {
            let mut traffic = lock(&self.shared.traffic);
            if let Some(fault) = &traffic.fault {
                return Err(fault.clone());
            }
            traffic.pending.insert(seq, (request.kind(), waiter));
            traffic.issued = traffic.issued.max(seq);
        }
        if self.requests.send(request.line(seq)).is_err() {
            let tail = self.shared.stderr_tail();
            self.shared.fail(AdapterError::new(
                AdapterFault::Crash,
                format!("the implementation's input is closed; {tail}"),
            ));
        }
        match tokio::time::timeout(self.timeout, reply).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(self.fault().unwrap_or_else(|| {
                AdapterError::new(AdapterFault::Crash, "the connection closed")
            })),
            Err(_) => {
                let error = AdapterError::new(
                    AdapterFault::Timeout,
                    format!(
                        "no reply to `{}` (seq {seq}) within {:?} from `{}`",
                        request.kind(),
                        self.timeout,
                        self.command
                    ),
                );
                {
                    let mut traffic = lock(&self.shared.traffic);
                    traffic.pending.remove(&seq);
                    traffic.timed_out.insert(seq);
                }
                self.shared.fail(error.clone());
                Err(error)
            }
        }
    }

    /// Asks the implementation to stop, then makes sure it is gone and reaped.
    pub async fn shutdown(&self) {
        if self.fault().is_none() {
            let polite = tokio::time::timeout(Duration::from_secs(1), self.request(&Request::Stop));
            let _ = polite.await;
        }
        let mut guard = self.shared.child.lock().await;
        if let Some(child) = guard.as_mut()
            && tokio::time::timeout(Duration::from_millis(500), child.wait())
                .await
                .is_err()
        {
            let _ = child.start_kill();
            let _ = child.wait().await;
        }
        *guard = None;
    }
}

/// How the child ended, waiting briefly for it; kills it if it lingers.
async fn exit_status(shared: &Shared) -> String {
    let mut guard = shared.child.lock().await;
    let Some(child) = guard.as_mut() else {
        return "the process is gone".to_owned();
    };
    match tokio::time::timeout(Duration::from_secs(2), child.wait()).await {
        Ok(Ok(status)) => status.to_string(),
        Ok(Err(e)) => format!("exit status unknown: {e}"),
        Err(_) => {
            let _ = child.start_kill();
            let _ = child.wait().await;
            "it did not exit and was killed".to_owned()
        }
    }
}
