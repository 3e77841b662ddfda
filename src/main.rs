//! Entry point: parses the command line, sets up logging to a file, starts the embedded demo
//! server when asked, logs in and runs the terminal UI.

use anyhow::Context;
use clap::Parser;
use std::io::Write;
use vocechat_tui::api::ApiClient;
use vocechat_tui::demo::{DEMO_EMAIL, DEMO_PASSWORD, DemoConfig, DemoServer};
use vocechat_tui::sync::SyncConfig;

/// A fast, keyboard-driven terminal client for VoceChat.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Server URL, e.g. https://chat.example.com
    server: Option<String>,
    /// Run against an embedded demo server with seeded users, channels and a chatty bot.
    #[arg(long)]
    demo: bool,
    /// E-mail to log in with (the password is asked for, or read from VOCECHAT_PASSWORD).
    #[arg(long)]
    email: Option<String>,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let dirs = vocechat_tui::paths::Paths::discover()?;
    vocechat_tui::logging::init(&dirs.log_file())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let result = runtime.block_on(run(args, dirs));
    if let Err(e) = &result {
        tracing::error!("exiting with error: {e:#}");
    }
    // Background tasks (the demo server, open streams) end with the runtime.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    result
}

async fn run(args: Args, dirs: vocechat_tui::paths::Paths) -> anyhow::Result<()> {
    if args.demo {
        let server = DemoServer::start(DemoConfig::default())
            .await
            .context("starting the demo server")?;
        tracing::info!(url = %server.base_url(), "demo server started");
        let api = ApiClient::new(&server.base_url())?;
        let session = api.login(DEMO_EMAIL, DEMO_PASSWORD, "tui:demo").await?;
        let label = format!("demo {}", server.base_url());
        return vocechat_tui::app::run::run(api, session.uid, label, SyncConfig::default()).await;
    }
    let Some(url) = args.server else {
        anyhow::bail!(
            "give a server URL (vocechat-tui https://chat.example.com --email you@example.com) or try --demo"
        );
    };
    let Some(email) = args.email else {
        anyhow::bail!("--email is required for now (an in-app login form is coming)");
    };
    let api = ApiClient::new(&url)?;
    let version = api
        .version()
        .await
        .with_context(|| format!("checking {url}"))?;
    tracing::info!(%version, "server reached");
    let password = match std::env::var("VOCECHAT_PASSWORD") {
        Ok(p) => p,
        Err(_) => read_password(&format!("password for {email}: "))?,
    };
    let device = dirs.device_id()?;
    let session = api.login(&email, &password, &device).await?;
    let label = api.base_url().host_str().unwrap_or("server").to_string();
    vocechat_tui::app::run::run(api, session.uid, label, SyncConfig::default()).await
}

/// Reads a line without echo.
fn read_password(prompt: &str) -> anyhow::Result<String> {
    use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers, read};
    print!("{prompt}");
    std::io::stdout().flush()?;
    crossterm::terminal::enable_raw_mode()?;
    let mut password = String::new();
    let result = loop {
        match read() {
            Ok(Event::Key(k)) if k.kind != KeyEventKind::Release => match k.code {
                KeyCode::Enter => break Ok(()),
                KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => {
                    break Err(anyhow::anyhow!("cancelled"));
                }
                KeyCode::Backspace => {
                    password.pop();
                }
                KeyCode::Char(c) => password.push(c),
                _ => {}
            },
            Ok(_) => {}
            Err(e) => break Err(e.into()),
        }
    };
    crossterm::terminal::disable_raw_mode()?;
    println!();
    result.map(|_| password)
}
