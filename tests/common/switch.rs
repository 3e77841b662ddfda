//! A loopback relay in front of a server that can be switched off and on: shared by the
//! integration tests (`tests/common`) and the benchmarks (`benches/support`).

/// A relay in front of a server that can be switched off (open connections are cut,
/// new ones closed at once, as a server that went away) and on again.
pub struct Switch {
    pub addr: std::net::SocketAddr,
    up: tokio::sync::watch::Sender<bool>,
}

impl Switch {
    pub async fn start(target: std::net::SocketAddr) -> Switch {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (up, watch) = tokio::sync::watch::channel(true);
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !*watch.borrow() {
                    continue; // dropped: closed at once
                }
                let mut watch = watch.clone();
                tokio::spawn(async move {
                    let Ok(mut server) = tokio::net::TcpStream::connect(target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = watch.wait_for(|up| !*up) => {}
                    }
                });
            }
        });
        Switch { addr, up }
    }

    pub fn set(&self, up: bool) {
        let _ = self.up.send(up);
    }

    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}
