//! `kehoach serve` killed with SIGKILL in the middle of acknowledged writes, a few times over,
//! on a SQLite file: after each restart every write the server acknowledged is there, and
//! SQLite finds the file sound.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use kehoach_store::Store;

const PASSWORD: &str = "mat-khau-du-dai-2026";
const CYCLES: usize = 6;
const WRITERS: usize = 3;
/// How long the writers write before the kill.
const WRITING: Duration = Duration::from_millis(1500);

fn database_url(dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", dir.join("kehoach.sqlite").display())
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kehoach"));
    command.args(args).current_dir(dir).env("KEHOACH_DATABASE_URL", database_url(dir)).env("KEHOACH_LOG", "info");
    command
}

/// Starts `serve` on a free loopback port and waits until it listens.
fn start(dir: &Path) -> (Child, SocketAddr) {
    let mut child = command(dir, &["serve", "--addr", "127.0.0.1:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    let mut log = BufReader::new(child.stderr.take().expect("the log"));
    let mut seen = String::new();
    let addr = loop {
        let mut line = String::new();
        assert!(log.read_line(&mut line).expect("read the log") > 0, "serve exited before serving:\n{seen}");
        seen.push_str(&line);
        if let Some(at) = line.find("http://") {
            let addr = line[at + 7..].split_whitespace().next().unwrap_or("").trim_end_matches('/');
            break addr.parse::<SocketAddr>().unwrap_or_else(|_| panic!("an address in {line}"));
        }
    };
    // Keep draining the log so that the server never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut log, &mut std::io::sink()));
    (child, addr)
}

/// One request on its own connection: the status and the body, or `None` when the server did
/// not answer in full (killed meanwhile).
fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Option<(u16, String, String)> {
    let mut stream = TcpStream::connect(addr).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(30))).ok()?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-type: application/json\r\ncontent-length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).ok()?;
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let (head, body) = answer.split_once("\r\n\r\n")?;
    let status = head.split(' ').nth(1)?.parse().ok()?;
    let length: usize = head
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().to_owned()))
        .and_then(|v| v.parse().ok())?;
    // An answer cut short is not an acknowledgement.
    (body.len() == length).then(|| (status, head.to_owned(), body.to_owned()))
}

/// Signs in through the API: the cookie header and the CSRF token.
fn sign_in(addr: SocketAddr) -> (String, String) {
    let body = format!(r#"{{"username": "dm-kill", "password": "{PASSWORD}"}}"#);
    let (status, head, body) = send(addr, "POST", "/api/v1/auth/login", &[], &body).expect("an answer");
    assert_eq!(status, 200, "{body}");
    let cookie = head
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: ").or_else(|| l.strip_prefix("Set-Cookie: ")))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let csrf = serde_json::from_str::<serde_json::Value>(&body).unwrap()["csrf_token"].as_str().unwrap().to_owned();
    (cookie, csrf)
}

const RECORDS: &str = "/api/v1/plans/muong-la-2026/registers/truyen_thong/records";

/// Adds records until the server stops answering; returns the ids it acknowledged.
fn write_until_killed(addr: SocketAddr, who: &(String, String), writer: usize, stop: &AtomicBool) -> Vec<i64> {
    let headers = [("cookie", who.0.as_str()), ("x-csrf-token", who.1.as_str())];
    let mut acknowledged = Vec::new();
    for n in 0.. {
        let body = format!(
            r#"{{"unit": "vhxh", "date": "2026-02-10", "fields": {{"kenh": "hop_ban", "chu_de": "Ghi {writer}-{n}"}}}}"#
        );
        match send(addr, "POST", RECORDS, &headers, &body) {
            Some((201, _, body)) => {
                acknowledged.push(serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"].as_i64().unwrap());
            }
            Some((status, _, body)) => panic!("a write refused with {status}: {body}"),
            None if stop.load(Ordering::SeqCst) => break,
            None => panic!("the server stopped answering before it was killed"),
        }
    }
    acknowledged
}

#[test]
fn every_acknowledged_write_survives_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    // The first start builds the database and loads the embedded plan.
    let (mut child, _) = start(dir.path());
    let mut add = command(dir.path(), &["user", "add", "--username", "dm-kill", "--role", "dau_moi"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("user add");
    add.stdin.take().unwrap().write_all(format!("{PASSWORD}\n").as_bytes()).unwrap();
    let added = add.wait_with_output().unwrap();
    assert!(added.status.success(), "{}", String::from_utf8_lossy(&added.stderr));
    child.kill().unwrap();
    child.wait().unwrap();

    let started = Instant::now();
    let mut acknowledged: Vec<i64> = Vec::new();
    for cycle in 0..CYCLES {
        let (mut child, addr) = start(dir.path());
        let who = sign_in(addr);
        // What earlier cycles acknowledged survived their kill.
        let headers = [("cookie", who.0.as_str()), ("x-csrf-token", who.1.as_str())];
        for id in &acknowledged {
            let got = send(addr, "GET", &format!("{RECORDS}/{id}"), &headers, "").expect("an answer");
            assert_eq!(got.0, 200, "record {id}, acknowledged before a kill, is missing (cycle {cycle})");
        }
        let stop = Arc::new(AtomicBool::new(false));
        let writers: Vec<_> = (0..WRITERS)
            .map(|writer| {
                let (who, stop) = (who.clone(), stop.clone());
                std::thread::spawn(move || write_until_killed(addr, &who, writer, &stop))
            })
            .collect();
        std::thread::sleep(WRITING);
        stop.store(true, Ordering::SeqCst);
        // SIGKILL: no shutdown, no flush, whatever the server was doing.
        child.kill().unwrap();
        child.wait().unwrap();
        let before = acknowledged.len();
        for writer in writers {
            acknowledged.extend(writer.join().expect("a writer panicked"));
        }
        eprintln!("cycle {cycle}: {} writes acknowledged before the kill", acknowledged.len() - before);
        assert!(acknowledged.len() > before, "the writers wrote in cycle {cycle}");
    }

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let store = Store::connect(&database_url(dir.path())).await.unwrap();
        for id in &acknowledged {
            let found = store.record("muong-la-2026", i32::try_from(*id).unwrap()).await.unwrap();
            assert!(found.is_some(), "record {id}, acknowledged before the last kill, is missing");
        }
        assert_eq!(store.integrity_problems().await.unwrap(), Vec::<String>::new(), "PRAGMA integrity_check");
        store.close().await.unwrap();
    });
    eprintln!(
        "{CYCLES} kill -9 cycles, {} acknowledged writes, none lost, in {:?}",
        acknowledged.len(),
        started.elapsed()
    );
}
