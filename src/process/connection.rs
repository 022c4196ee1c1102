//! One running implementation process and the protocol traffic with it.
//!
//! Four tasks serve a connection: a writer that owns stdin (requests are
//! queued, never written by the caller, so a child that does not read cannot
//! block the suite), a reader that dispatches stdout replies by `seq`, a
//! drain for stderr that keeps a bounded tail, and an exit watcher that owns
//! the child, so that an exit is noticed even while a helper process holds
//! the output open. The child leads its own session and process group (no
//! controlling terminal: it cannot reach the suite's terminal), and every way
//! out ends the whole group and what its leader started outside it; the
//! child dies with the suite (its parent-death signal, on Linux). The first fault (crash,
//! timeout, protocol violation) is remembered: every later request on this
//! connection fails with it, and the adapter starts a fresh process.

use super::Timeouts;
use super::group::{Group, start_in_new_session};
use super::lines::{LineRead, read_line};
use super::reaper;
use super::stderr_tail::StderrTail;
use crate::adapter::{AdapterError, AdapterFault};
use crate::protocol::{MAX_LINE_BYTES, Reply, ReplyBody, Request, excerpt_bytes, parse_reply};
use std::collections::{HashMap, HashSet};
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStderr, ChildStdin, ChildStdout, Command};
use tokio::sync::{mpsc, oneshot, watch};

type Waiter = oneshot::Sender<Result<ReplyBody, AdapterError>>;
/// The receiving end of a [`Waiter`]: where a request's reply arrives.
type Waiting = oneshot::Receiver<Result<ReplyBody, AdapterError>>;

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
    /// How the child exited, once it has (set by the exit watcher).
    exit: watch::Sender<Option<String>>,
    /// Whether the child's output has ended (set by the reader).
    output_closed: watch::Sender<bool>,
    /// The child's process group (`None` only if the child had no pid).
    group: Option<Group>,
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

/// How long the suite waits between the two halves of an ending: after the
/// output closed, for the exit (then the group is killed), and after the
/// exit, for the output to close (a helper process may hold it open). It
/// scales with `--timeout` (or `--startup-timeout` when that is shorter) so
/// that a closed output is a CRASH well before a request or the start times
/// out.
pub fn close_grace(timeout: Duration) -> Duration {
    (timeout / 4).clamp(Duration::from_millis(20), Duration::from_secs(2))
}

impl Connection {
    /// Starts `words` as a child process with piped stdio, as the leader of
    /// a new session and process group with no controlling terminal, with
    /// SIGKILL as its parent-death signal. Each
    /// request waits `timeouts.reply` unless told otherwise.
    pub fn spawn(words: &[String], timeouts: Timeouts) -> Result<Connection, AdapterError> {
        let command = words.join(" ");
        let Some((program, args)) = words.split_first() else {
            return Err(AdapterError::new(
                AdapterFault::Internal,
                "the adapter command is empty",
            ));
        };
        let mut command_line = Command::new(program);
        command_line
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        start_in_new_session(&mut command_line);
        reaper::set_parent_death_signal(&mut command_line);
        let (mut child, _) = reaper::spawn(command_line).map_err(|e| {
            AdapterError::new(
                AdapterFault::Crash,
                format!("cannot start `{command}`: {e}"),
            )
        })?;
        let group = child.id().and_then(Group::led_by);
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
        let (exit, _) = watch::channel(None);
        let (output_closed, _) = watch::channel(false);
        let shared = Arc::new(Shared {
            traffic: Mutex::new(Traffic::default()),
            stderr: Mutex::new(StderrTail::default()),
            exit,
            output_closed,
            group,
        });
        let grace = close_grace(timeouts.reply.min(timeouts.startup));
        let (requests, queue) = mpsc::unbounded_channel::<String>();
        tokio::spawn(write_requests(shared.clone(), stdin, queue));
        tokio::spawn(drain_stderr(shared.clone(), stderr));
        tokio::spawn(read_replies(shared.clone(), stdout, grace));
        tokio::spawn(watch_exit(shared.clone(), child, grace));
        Ok(Connection {
            shared,
            requests,
            next_seq: AtomicU64::new(1),
            timeout: timeouts.reply,
            command,
        })
    }

    /// The first fault of this connection, if any.
    pub fn fault(&self) -> Option<AdapterError> {
        lock(&self.shared.traffic).fault.clone()
    }

    /// Sends `request` and waits for its reply, at most the timeout.
    pub async fn request(&self, request: &Request) -> Result<ReplyBody, AdapterError> {
        self.request_within(request, self.timeout).await
    }

    /// Sends `request` and waits for its reply, at most `limit` (the
    /// handshake's own allowance).
    pub async fn request_within(
        &self,
        request: &Request,
        limit: Duration,
    ) -> Result<ReplyBody, AdapterError> {
        let seq = self.next_seq.fetch_add(1, Ordering::SeqCst);
        let reply = self.register(&[(seq, request)])?.remove(0);
        self.write(request.line(seq));
        self.await_reply(reply, seq, request.kind(), limit, "")
            .await
    }

    /// Sends `first` and `second` with consecutive `seq`s, the higher one
    /// (`second`'s) written first, and waits for both replies: requests out
    /// of `seq` order, made deterministically (PROTOCOL.md: `seq` is unique,
    /// not increasing). The replies in the order of the requests.
    pub async fn request_pair_reversed(
        &self,
        first: &Request,
        second: &Request,
    ) -> Result<(ReplyBody, ReplyBody), AdapterError> {
        let seq = self.next_seq.fetch_add(2, Ordering::SeqCst);
        let mut replies = self.register(&[(seq, first), (seq + 1, second)])?;
        let second_reply = replies.remove(1);
        let first_reply = replies.remove(0);
        self.write(second.line(seq + 1));
        self.write(first.line(seq));
        let note = ", one of two written out of `seq` order";
        let (a, b) = futures::join!(
            self.await_reply(first_reply, seq, first.kind(), self.timeout, note),
            self.await_reply(second_reply, seq + 1, second.kind(), self.timeout, note)
        );
        Ok((a?, b?))
    }

    /// Registers a waiter for each `(seq, request)`, or returns the
    /// connection's fault when it already has one.
    fn register(&self, requests: &[(u64, &Request)]) -> Result<Vec<Waiting>, AdapterError> {
        let mut traffic = lock(&self.shared.traffic);
        if let Some(fault) = &traffic.fault {
            return Err(fault.clone());
        }
        let mut replies = Vec::with_capacity(requests.len());
        for (seq, request) in requests {
            let (waiter, reply) = oneshot::channel();
            traffic.pending.insert(*seq, (request.kind(), waiter));
            traffic.issued = traffic.issued.max(*seq);
            replies.push(reply);
        }
        Ok(replies)
    }

    /// Writes one request line; a closed input is the connection's fault
    /// (a crash), which the waiting requests then return.
    fn write(&self, line: String) {
        if self.requests.send(line).is_err() {
            let tail = self.shared.stderr_tail();
            self.shared.fail(AdapterError::new(
                AdapterFault::Crash,
                format!("the implementation's input is closed; {tail}"),
            ));
        }
    }

    /// Waits at most `limit` for the reply to request `seq`; on a timeout the
    /// connection is failed (`note` adds to the message how it was sent).
    async fn await_reply(
        &self,
        reply: Waiting,
        seq: u64,
        kind: &str,
        limit: Duration,
        note: &str,
    ) -> Result<ReplyBody, AdapterError> {
        match tokio::time::timeout(limit, reply).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(self.fault().unwrap_or_else(|| {
                AdapterError::new(AdapterFault::Crash, "the connection closed")
            })),
            Err(_) => {
                let error = AdapterError::new(
                    AdapterFault::Timeout,
                    format!(
                        "no reply to `{kind}` (seq {seq}{note}) within {limit:?} from `{}`",
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

    /// Sends `stop` and judges the promise (PROTOCOL.md: "`{}`; then the
    /// implementation exits"): the reply must be a `result` object, and the
    /// process must exit within the reply timeout. A `Protocol` error says
    /// which half was broken.
    pub async fn stop_and_wait_exit(&self) -> Result<(), AdapterError> {
        match self.request(&Request::Stop).await? {
            ReplyBody::Result(serde_json::Value::Object(_)) => {}
            other => {
                return Err(AdapterError::new(
                    AdapterFault::Protocol,
                    format!(
                        "`stop` must be answered with `{{}}`, got {}",
                        crate::protocol::excerpt(&format!("{other:?}"))
                    ),
                ));
            }
        }
        match tokio::time::timeout(self.timeout, self.exited()).await {
            Ok(()) => Ok(()),
            Err(_) => Err(AdapterError::new(
                AdapterFault::Protocol,
                format!(
                    "the implementation answered `stop` but had not exited {:?} later",
                    self.timeout
                ),
            )),
        }
    }

    /// Asks the implementation to stop, then ends its whole process group
    /// (TERM, a short wait, KILL) and waits until the child is reaped.
    pub async fn shutdown(&self) {
        let polite = self.timeout.min(Duration::from_secs(1));
        if self.fault().is_none() {
            let _ = tokio::time::timeout(polite, self.request(&Request::Stop)).await;
        }
        let _ = tokio::time::timeout(polite / 2, self.exited()).await;
        if let Some(group) = &self.shared.group {
            group.end().await;
        }
        // KILL has been sent: the child is reaped by its watcher at once.
        let _ = tokio::time::timeout(Duration::from_secs(5), self.exited()).await;
    }

    /// Waits until the child has exited and been reaped.
    async fn exited(&self) {
        let mut exit = self.shared.exit.subscribe();
        let _ = exit.wait_for(Option::is_some).await;
    }
}

impl Drop for Connection {
    /// A connection dropped without `shutdown` (an aborted run) still ends its group.
    fn drop(&mut self) {
        if let Some(group) = &self.shared.group {
            group.kill_now();
        }
    }
}

/// The writer task: owns stdin; callers only queue.
async fn write_requests(
    shared: Arc<Shared>,
    mut stdin: ChildStdin,
    mut queue: mpsc::UnboundedReceiver<String>,
) {
    while let Some(line) = queue.recv().await {
        let written = async {
            stdin.write_all(line.as_bytes()).await?;
            stdin.write_all(b"\n").await?;
            stdin.flush().await
        };
        if let Err(e) = written.await {
            let tail = shared.stderr_tail();
            shared.fail(AdapterError::new(
                AdapterFault::Crash,
                format!("the implementation stopped reading its input ({e}); {tail}"),
            ));
            break;
        }
    }
}

/// The stderr drain: keeps a bounded tail.
async fn drain_stderr(shared: Arc<Shared>, stderr: ChildStderr) {
    let mut reader = BufReader::new(stderr);
    while let Ok(LineRead::Line(line) | LineRead::TooLong(line)) =
        read_line(&mut reader, MAX_LINE_BYTES).await
    {
        lock(&shared.stderr).push(&line);
    }
}

/// The reader task: dispatches replies; at the end of the output, waits up
/// to `grace` for the exit and reports the crash.
async fn read_replies(shared: Arc<Shared>, stdout: ChildStdout, grace: Duration) {
    let mut reader = BufReader::new(stdout);
    loop {
        match read_line(&mut reader, MAX_LINE_BYTES).await {
            Ok(LineRead::Line(bytes)) => {
                let Ok(line) = String::from_utf8(bytes) else {
                    shared.protocol("a reply line is not UTF-8".to_owned());
                    continue;
                };
                if line.trim().is_empty() {
                    continue;
                }
                match parse_reply(&line) {
                    Ok(reply) => shared.dispatch(reply),
                    Err(e) => shared.protocol(format!("invalid reply: {e}")),
                }
            }
            Ok(LineRead::TooLong(start)) => {
                shared.protocol(format!(
                    "a reply line is longer than {MAX_LINE_BYTES} bytes: {}",
                    excerpt_bytes(&start)
                ));
            }
            Ok(LineRead::Eof) | Err(_) => break,
        }
    }
    shared.output_closed.send_replace(true);
    let mut exit = shared.exit.subscribe();
    let exited = tokio::time::timeout(grace, exit.wait_for(Option::is_some))
        .await
        .ok()
        .and_then(Result::ok)
        .and_then(|status| status.clone());
    let status = match exited {
        Some(status) => status,
        None => {
            if let Some(group) = &shared.group {
                group.end().await;
            }
            format!("it did not exit within {grace:?} and was killed")
        }
    };
    // Give the stderr drain a moment to catch the last words.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let tail = shared.stderr_tail();
    shared.fail(AdapterError::new(
        AdapterFault::Crash,
        format!("the implementation closed its output ({status}); {tail}"),
    ));
}

/// The exit watcher: owns the child and reaps it. An exit is a crash with
/// its status, even while another process (a helper the implementation
/// started) holds the output open; replies already written are read first,
/// for up to `grace`.
async fn watch_exit(shared: Arc<Shared>, mut child: Child, grace: Duration) {
    let pid = child.id();
    let status = match child.wait().await {
        Ok(status) => status.to_string(),
        Err(e) => format!("exit status unknown: {e}"),
    };
    reaper::reaped(pid);
    shared.exit.send_replace(Some(status.clone()));
    let mut closed = shared.output_closed.subscribe();
    if tokio::time::timeout(grace, closed.wait_for(|c| *c))
        .await
        .is_ok()
    {
        return; // the reader reports the crash, with this status
    }
    let tail = shared.stderr_tail();
    shared.fail(AdapterError::new(
        AdapterFault::Crash,
        format!(
            "the implementation exited ({status}) while another process still holds its output open; {tail}"
        ),
    ));
}
