pub async fn serve(_l: tokio::net::TcpListener, _s: kehoach_store::Store) -> std::io::Result<()> { Ok(()) }
