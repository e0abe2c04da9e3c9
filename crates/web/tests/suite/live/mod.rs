//! A real server on a loopback port and a bare HTTP/1.1 client, for tests where requests must
//! truly run at once (axum-test hands them to the router one by one) and the peer address
//! matters.
// Each test file uses its own part of this module.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use kehoach_domain::clock::Clock;
use kehoach_store::Store;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Serves the application on 127.0.0.1 at a free port until the test's runtime ends, believing
/// `X-Forwarded-For` from the `trusted` proxies as `kehoach serve --trusted-proxy` does.
pub async fn serve(store: Store, clock: Arc<dyn Clock>, trusted: kehoach_web::TrustedProxies) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let settings = kehoach_web::Settings { trusted_proxies: trusted, ..Default::default() };
    let app = kehoach_web::router_with(store, clock, settings).into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// One request: method, path, extra headers and a body.
pub struct Request<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub headers: Vec<(&'a str, String)>,
    pub body: Vec<u8>,
}

impl<'a> Request<'a> {
    pub fn new(method: &'a str, path: &'a str) -> Request<'a> {
        Request { method, path, headers: Vec::new(), body: Vec::new() }
    }

    /// Signed in as the user of `who` (cookie header, CSRF token).
    pub fn by(mut self, who: &(String, String)) -> Request<'a> {
        self.headers.push(("cookie", who.0.clone()));
        self.headers.push(("x-csrf-token", who.1.clone()));
        self
    }

    pub fn header(mut self, name: &'a str, value: impl Into<String>) -> Request<'a> {
        self.headers.push((name, value.into()));
        self
    }

    pub fn json(mut self, value: &serde_json::Value) -> Request<'a> {
        self.headers.push(("content-type", "application/json".into()));
        self.body = value.to_string().into_bytes();
        self
    }

    pub fn body(mut self, content_type: &str, body: Vec<u8>) -> Request<'a> {
        self.headers.push(("content-type", content_type.to_owned()));
        self.body = body;
        self
    }
}

/// The status and the body of an answer.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// Sends the request on a connection of its own and reads the whole answer.
pub async fn send(addr: SocketAddr, r: Request<'_>) -> Response {
    let mut head = format!(
        "{} {} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n",
        r.method,
        r.path,
        r.body.len()
    );
    for (name, value) in &r.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&r.body).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let split = answer.windows(4).position(|w| w == b"\r\n\r\n").expect("an HTTP answer");
    let head = String::from_utf8_lossy(&answer[..split]).to_ascii_lowercase();
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status");
    let mut body = answer[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    Response { status, body }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size = usize::from_str_radix(String::from_utf8_lossy(&data[..end]).trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
    out
}

/// A multipart body with one file field; returns the content type and the body.
pub fn multipart_file(field: &str, file_name: &str, mime: &str, data: &[u8]) -> (String, Vec<u8>) {
    let boundary = "kehoach-test-boundary-7d1e";
    let mut body = format!(
        "--{boundary}\r\ncontent-disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\ncontent-type: {mime}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(data);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}
