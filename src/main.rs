//! Entry point: parses the command line, reads the config, sets up logging to a file, starts
//! the embedded demo server when asked, restores a saved session or shows the login form, and
//! runs the terminal UI. Errors are printed without ever panicking: after SIGHUP stderr may
//! be a terminal that no longer exists.

use anyhow::Context;
use clap::Parser;
use std::path::PathBuf;
use tokio::sync::mpsc;
use vocechat_tui::app::{App, Effect, LoginForm, Mode, Msg, Settings};
use vocechat_tui::config::Config;
use vocechat_tui::demo::{DEMO_EMAIL, DEMO_PASSWORD, DemoConfig, DemoServer};
use vocechat_tui::files::server_file_stem;
use vocechat_tui::keymap::Keymap;
use vocechat_tui::paths::Paths;
use vocechat_tui::protocol::invite::{StartWith, config_login_for, start_with};
use vocechat_tui::runtime::account::Source;
use vocechat_tui::runtime::api::ApiClient;
use vocechat_tui::runtime::cli::account::{
    configured_among, configured_on, password_command_for, short_names,
};
use vocechat_tui::runtime::executor::{Executor, Setup};
use vocechat_tui::runtime::run::{Runtime, run};
use vocechat_tui::runtime::session_store::{InstanceLock, SavedLogin, SessionStore};
use vocechat_tui::runtime::start::{adopt, adopt_parked};
use vocechat_tui::runtime::sync::SyncConfig;
use vocechat_tui::theme::Theme;

/// The version `--version` prints: the package's, and the git revision it was built from.
const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (",
    env!("VOCECHAT_TUI_REVISION"),
    ")"
);

/// A fast, keyboard-driven terminal client for VoceChat.
#[derive(Parser, Debug)]
#[command(version = VERSION, about, args_conflicts_with_subcommands = true)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Server URL, e.g. https://chat.example.com (default: `server` in the config file); or
    /// an invite link (`…/?magic_token=…#/register`: create an account there) or an e-mailed
    /// login link (`…/#/login?magic_token=…`: log in without a password); a link may come
    /// from the environment variable VOCECHAT_LINK instead, out of `ps` and shell history
    server: Option<String>,
    /// Run against an embedded demo server with seeded users, channels and a chatty bot.
    #[arg(long)]
    demo: bool,
    /// The demo as a newer (0.5.x) server: its settings, pinned chats, contacts, remarks,
    /// announcements, cleared history and the rest (implies --demo).
    #[arg(long)]
    demo_newer: bool,
    /// E-mail to log in with (pre-fills the login form).
    #[arg(long)]
    email: Option<String>,
    /// Open only this account (a name from the config's `[[account]]` tables, else the e-mail
    /// or server host of a saved session); more than once for several. Without it every saved
    /// account opens, and `tail` can follow none of them beside the window.
    #[arg(long = "account", value_name = "NAME", conflicts_with = "server", action = clap::ArgAction::Append)]
    accounts: Vec<String>,
    /// Config file (default: config.toml in the platform config directory).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Linear mode for screen readers and braille displays: no full-screen drawing, each new
    /// message and change of state one plain line in the terminal's scrollback, lines typed
    /// with the terminal's own line editing (also when `TERM=dumb`).
    #[arg(long)]
    screen_reader: bool,
    /// Print a commented example config with every option, then exit.
    #[arg(long)]
    print_config: bool,
}

/// Commands that run without the UI, with the session saved by logging in once in the UI.
#[derive(clap::Subcommand, Debug)]
enum Command {
    /// Send a message (and files) to #channel or @person; prints each message's mid.
    Send {
        /// `#channel` or `@person`.
        conversation: String,
        /// The text; `-` reads it from stdin (lines kept).
        text: Option<String>,
        /// Send the text as markdown.
        #[arg(long)]
        markdown: bool,
        /// Upload and send this file, after the text; repeat it for each file
        /// (`--file a.pdf --file b.txt`). It takes one path, so `--file a.pdf TEXT` sends
        /// TEXT as the text.
        #[arg(long = "file", value_name = "PATH", num_args = 1, action = clap::ArgAction::Append)]
        files: Vec<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Print a conversation's history, oldest first.
    Export {
        /// `#channel` or `@person`.
        conversation: String,
        /// `md` or `jsonl`.
        #[arg(long, default_value = "md")]
        format: vocechat_tui::runtime::cli::export::Format,
        /// Only messages from this day on (YYYY-MM-DD, local time).
        #[arg(long, value_name = "DATE")]
        since: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Print new messages as they arrive, until interrupted (not while the UI runs here).
    Tail {
        /// Only these conversations (`#channel`, `@person`); all when none are given.
        conversations: Vec<String>,
        /// One JSON object per line.
        #[arg(long)]
        jsonl: bool,
        /// Run this shell command for each message, with the message as JSON on its stdin
        /// (one at a time; while it runs at most 100 messages wait for it, more are printed
        /// but not given to it, and stderr says how many).
        #[arg(long, value_name = "CMD")]
        exec: Option<String>,
        /// Follow every account with a saved session, each line tagged with its name.
        #[arg(long, conflicts_with_all = ["account", "server"])]
        all_accounts: bool,
        /// Kill a run of the --exec command (and everything it started) after this many
        /// seconds; tailing goes on.
        #[arg(long, value_name = "SECS", default_value_t = vocechat_tui::runtime::cli::hook::DEFAULT_TIMEOUT.as_secs(), requires = "exec",
              value_parser = clap::value_parser!(u64).range(1..))]
        exec_timeout: u64,
        #[command(flatten)]
        common: Common,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff).
    Man,
}

#[derive(clap::Args, Debug)]
struct Common {
    /// The account: a name from the config's `[[account]]` tables, else the e-mail or server
    /// host of a saved session (default: the config's `server`, else the one saved session).
    /// `tail` takes it more than once, to follow several accounts.
    #[arg(long, value_name = "NAME", conflicts_with = "server", action = clap::ArgAction::Append)]
    account: Vec<String>,
    /// The server (default: `server` in the config, else the one with a saved session).
    #[arg(long)]
    server: Option<String>,
    /// Config file (default: config.toml in the platform config directory).
    #[arg(long)]
    config: Option<PathBuf>,
}

fn main() -> std::process::ExitCode {
    match run_main() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // Not `eprintln!`, which panics when stderr is gone.
            use std::io::Write;
            let _ = writeln!(std::io::stderr(), "Error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run_main() -> anyhow::Result<()> {
    let mut args = Args::parse();
    if let Some(command) = args.command.take() {
        return headless(command);
    }
    if args.print_config {
        // A closed pipe (`| head`) is not an error worth a panic.
        use std::io::Write;
        let _ = std::io::stdout().write_all(vocechat_tui::config::example().as_bytes());
        return Ok(());
    }
    let (paths, config, runtime) = prepare(args.config.clone())?;
    let result = runtime.block_on(start(args, config, paths));
    if let Err(e) = &result {
        tracing::error!("exiting with error: {e:#}");
    }
    // Background tasks (the demo server, open streams) end with the runtime.
    runtime.shutdown_timeout(std::time::Duration::from_millis(300));
    result
}

/// What the UI and the commands both start from: the directories, the config (the given
/// file or the platform's), logging to the log file, and the async runtime.
fn prepare(config: Option<PathBuf>) -> anyhow::Result<(Paths, Config, tokio::runtime::Runtime)> {
    let paths = Paths::discover()?;
    let config_path = config.unwrap_or_else(|| paths.config_file());
    let config = Config::load(&config_path).map_err(|e| anyhow::anyhow!("config: {e}"))?;
    vocechat_tui::logging::init(&paths.log_file())?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    Ok((paths, config, runtime))
}

/// Runs a command without the UI: errors go to stderr with a non-zero exit.
fn headless(command: Command) -> anyhow::Result<()> {
    use clap::CommandFactory;
    use vocechat_tui::runtime::cli::{Headless, export, send, tail};
    let common = match command {
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Args::command(),
                "vocechat-tui",
                &mut std::io::stdout(),
            );
            return Ok(());
        }
        Command::Man => {
            let mut out = Vec::new();
            clap_mangen::Man::new(Args::command()).render(&mut out)?;
            vocechat_tui::runtime::cli::print(&String::from_utf8_lossy(&out))?;
            return Ok(());
        }
        Command::Send { ref common, .. }
        | Command::Export { ref common, .. }
        | Command::Tail { ref common, .. } => (
            common.server.clone(),
            common.config.clone(),
            common.account.clone(),
        ),
    };
    let (paths, config, runtime) = prepare(common.1)?;
    let result = runtime.block_on(async {
        let is_tail = matches!(command, Command::Tail { .. });
        let all_accounts = matches!(
            command,
            Command::Tail {
                all_accounts: true,
                ..
            }
        );
        if common.2.len() > 1 && !is_tail {
            anyhow::bail!("--account is given once here (`tail` follows several)");
        }
        let server = common.0.as_deref();
        let wanted = |account| vocechat_tui::runtime::cli::account::Wanted { account, server };
        let mut sessions = if all_accounts {
            Headless::every(&config, &paths).await?
        } else if common.2.is_empty() {
            vec![Headless::open(wanted(None), &config, &paths).await?]
        } else {
            let mut sessions: Vec<Headless> = Vec::new();
            for name in &common.2 {
                let session = Headless::open(wanted(Some(name.as_str())), &config, &paths).await?;
                // The same account named twice (by its name and its e-mail) is followed once.
                if !sessions.iter().any(|s| {
                    s.login.session.uid == session.login.session.uid
                        && s.api.base_url() == session.api.base_url()
                }) {
                    sessions.push(session);
                }
            }
            sessions
        };
        // `tail` opens each account's event stream: not while the UI (or another tail) holds
        // the same account; another account's UI is no obstacle.
        let mut _locks = Vec::new();
        if is_tail {
            for session in &sessions {
                let lock = InstanceLock::acquire(
                    paths.data_dir(),
                    &session.login.server,
                    session.login.session.uid,
                )
                .map_err(|e| {
                    let who = if sessions.len() > 1 {
                        format!("{}: ", session.name)
                    } else {
                        String::new()
                    };
                    anyhow::anyhow!(
                        "{who}{e}; `tail` needs the event stream the UI is using: quit the UI first"
                    )
                })?;
                _locks.push(lock);
            }
        }
        let session = sessions.remove(0);
        match command {
            Command::Send {
                conversation,
                text,
                markdown,
                files,
                ..
            } => {
                send::run(
                    &session,
                    send::SendArgs {
                        conversation,
                        text,
                        markdown,
                        files,
                        chunk_size: config.upload.chunk_size(),
                    },
                )
                .await
            }
            Command::Export {
                conversation,
                format,
                since,
                ..
            } => {
                export::run(
                    &session,
                    export::ExportArgs {
                        conversation,
                        format,
                        since,
                        data_dir: paths.data_dir().to_path_buf(),
                    },
                )
                .await
            }
            Command::Tail {
                conversations,
                jsonl,
                exec,
                exec_timeout,
                ..
            } => {
                let args = tail::TailArgs {
                    conversations,
                    tagged: !sessions.is_empty(),
                    jsonl,
                    exec,
                    exec_timeout: std::time::Duration::from_secs(exec_timeout),
                };
                if sessions.is_empty() {
                    tail::run(&session, args).await
                } else {
                    sessions.insert(0, session);
                    tail::run_many(sessions, args).await
                }
            }
            Command::Completions { .. } | Command::Man => Ok(()),
        }
    });
    if let Err(e) = &result {
        tracing::error!("command failed: {e:#}");
    }
    runtime.shutdown_timeout(std::time::Duration::from_millis(300));
    result
}

/// Runs the full screen, or the linear front end (`--screen-reader`, `TERM=dumb`).
async fn front_end(
    rt: Runtime,
    tx: mpsc::UnboundedSender<Msg>,
    rx: mpsc::UnboundedReceiver<Msg>,
    linear: bool,
) -> anyhow::Result<()> {
    if linear {
        vocechat_tui::runtime::linear::run_linear(rt, tx, rx).await
    } else {
        run(rt, tx, rx).await
    }
}

async fn start(args: Args, config: Config, paths: Paths) -> anyhow::Result<()> {
    let linear = args.screen_reader
        || config.ui.mode == vocechat_tui::config::UiMode::Linear
        || std::env::var("TERM").is_ok_and(|t| t == "dumb");
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let theme = Theme::load(&config.theme, Some(&paths.themes_dir()), no_color)
        .map_err(|e| anyhow::anyhow!(e))?;
    let keymap = Keymap::new(config.preset().map_err(|e| anyhow::anyhow!(e))?)
        .with_overrides(&config.key_overrides())
        .map_err(|e| anyhow::anyhow!(e))?;
    let over_ssh = std::env::var_os("SSH_CONNECTION").is_some();
    let settings = Settings::new(&config, over_ssh);
    let sync_config = SyncConfig {
        heartbeat_timeout: std::time::Duration::from_secs(config.sync.heartbeat_timeout_secs),
        marks_dir: Some(paths.data_dir().to_path_buf()),
        ..SyncConfig::default()
    };
    let (tx, rx) = mpsc::unbounded_channel();
    let setup = |device: String, sessions: Option<SessionStore>| Setup {
        data_dir: Some(paths.data_dir().to_path_buf()),
        sessions: sessions.map(std::sync::Arc::new),
        device,
        sync: sync_config.clone(),
        vocespace: config.vocespace.clone(),
        chunk_size: config.upload.chunk_size(),
    };

    if args.demo || args.demo_newer {
        let server = DemoServer::start(DemoConfig {
            newer: args.demo_newer,
            ..DemoConfig::default()
        })
        .await
        .context("starting the demo server")?;
        tracing::info!(url = %server.base_url(), "demo server started");
        let mut executor = Executor::new(setup("tui:demo".into(), None), tx.clone());
        let opened = executor
            .open(Source::Demo {
                base_url: server.base_url(),
                email: DEMO_EMAIL.into(),
                password: DEMO_PASSWORD.into(),
            })
            .await?;
        let label = format!("demo {}", server.addr());
        let mut app = App::logged_in(opened.logged_in.uid, keymap, settings, label);
        // The account's server: links are checked against it and shown on it.
        app.account.login = Some((
            opened.logged_in.server.clone(),
            opened.logged_in.email.clone(),
        ));
        app.account.name = "demo".into();
        // The demo has a store too (emptied at each start: every demo server is a new
        // server), so search and the rest can be tried.
        let initial = adopt(&mut app, &mut executor, opened);
        let rt = runtime(app, executor, theme, &config, initial);
        let result = front_end(rt, tx, rx, linear).await;
        drop(server);
        return result;
    }

    let device = paths.device_id()?;
    // The account's instance lock is taken when it is opened (see `runtime::account`).
    let store = SessionStore::new(paths.data_dir());
    // The server argument, or a link from it or from VOCECHAT_LINK (kept out of `ps` and the
    // shell's history); a token is never taken for a server address.
    let env_link = std::env::var("VOCECHAT_LINK").ok();
    let start_with = start_with(args.server.as_deref(), env_link.as_deref())
        .map_err(|why| anyhow::anyhow!(why))?;
    let arg_server = match start_with {
        // An invite or login link: register or log in with it, whatever session is saved.
        StartWith::Link(link) => {
            let executor = Executor::new(setup(device, Some(store)), tx.clone());
            let label = vocechat_tui::app::url_label(&link.server);
            let mut app = App::new(keymap, settings, label);
            // The config's e-mail and password command are for the configured server only;
            // an e-mail given on this command line is the user's own choice.
            let (config_email, password_command) = config_login_for(
                &link,
                config.server.as_deref(),
                config.login.email.clone(),
                config
                    .login
                    .password_command
                    .clone()
                    .filter(|c| !c.trim().is_empty()),
            );
            app.account.password_command = password_command.clone();
            let email = args.email.clone().or(config_email);
            let (form, initial) = LoginForm::for_link(link, email, password_command);
            app.mode = Mode::Login(form);
            let rt = runtime(app, executor, theme, &config, initial);
            return front_end(rt, tx, rx, linear).await;
        }
        StartWith::Server(server) => server,
    };
    // The account focused first: the one named on the command line, else the config's first
    // (the top-level `server`, else the first `[[account]]`). A server on the command line
    // takes the e-mail and password command of the config's account on that server only:
    // a password is never sent to another host.
    let first = match &arg_server {
        None => config.accounts().into_iter().next(),
        Some(server) => configured_on(&config.accounts(), server, args.email.as_deref()),
    };
    let email = args
        .email
        .clone()
        .or_else(|| first.as_ref().and_then(|a| a.email.clone()))
        // An e-mail is no secret: the config's, to save typing, whatever the server.
        .or_else(|| config.login.email.clone());
    let password_command = first
        .as_ref()
        .and_then(|a| password_command_for(a, args.email.as_deref()));
    let first_notify = first.as_ref().and_then(|a| a.notify);
    let server = arg_server.or(first.map(|a| a.server));
    // Every account logged in on this install opens with the window (docs/accounts.md), or
    // those `--account` names.
    let every = only_named(&args.accounts, &config, store.all())?;
    // Focused: the account named (server argument, config), else the first saved one.
    let chosen = !args.accounts.is_empty();
    let mut saved = match server.as_deref().filter(|_| !chosen) {
        Some(s) => ApiClient::new(s)
            .ok()
            .and_then(|api| store.find(api.base_url().as_str(), email.as_deref())),
        None => every.first().cloned(),
    };
    // A server not logged in yet while others are: those open as always, and the login form
    // over them adds this one (as `/account add` does).
    let mut adding = None;
    if saved.is_none()
        && let Some(first_saved) = every.first()
    {
        adding = Some(LoginForm::new(
            server.clone(),
            email.clone(),
            password_command.clone(),
        ));
        saved = Some(first_saved.clone());
    }
    let configured = config.accounts();
    let names = short_names(&configured, &every);
    let mut executor = Executor::new(setup(device, Some(store)), tx.clone());
    match saved {
        Some(saved) => {
            // Cache first: what the store remembers is on the first frame, before any reply.
            let is_saved = |s: &SavedLogin| {
                s.session.uid == saved.session.uid
                    && server_file_stem(&s.server) == server_file_stem(&saved.server)
            };
            let name_of = |s: &SavedLogin| {
                every
                    .iter()
                    .position(|o| o.session.uid == s.session.uid && o.server == s.server)
                    .map_or_else(
                        || vocechat_tui::app::url_label(&s.server),
                        |i| names[i].clone(),
                    )
            };
            // Every account's store is read at the same time: the first frame waits for the
            // slowest, not for the sum.
            let mut order: Vec<SavedLogin> = vec![saved.clone()];
            order.extend(every.iter().filter(|s| !is_saved(s)).cloned());
            let sources = order.iter().map(|s| Source::Saved(s.clone())).collect();
            let answers = executor.open_all(sources).await;
            // The account asked for is focused; when it cannot be opened (another client
            // holds it, its store is locked), the first that could is, and the failure is a
            // notice: one account never keeps the others from starting.
            let Some(lead) = answers.iter().position(Result::is_ok) else {
                let first = answers.into_iter().next();
                return match first {
                    Some(Err(e)) => Err(e.into()),
                    _ => Err(anyhow::anyhow!("no account was opened")),
                };
            };
            let mut failures = Vec::new();
            let mut parked = Vec::new();
            let mut focused = None;
            for (i, (login, answer)) in order.iter().zip(answers).enumerate() {
                match answer {
                    Ok(opened) if i == lead => focused = Some((login, opened)),
                    Ok(opened) => parked.push((login, opened)),
                    Err(e) => failures.push((name_of(login), e)),
                }
            }
            let Some((lead_login, opened)) = focused else {
                return Err(anyhow::anyhow!("no account was opened"));
            };
            let server = opened.logged_in.server.clone();
            let label = vocechat_tui::app::url_label(&server);
            let mut app = App::logged_in(opened.logged_in.uid, keymap, settings, label);
            app.status.insecure = vocechat_tui::app::insecure_host(&server);
            app.account.login = Some((server, opened.logged_in.email.clone()));
            // The command line's password command is for the account it names (the one
            // being added, when it is not saved); any other keeps its own from the config.
            app.account.password_command = if adding.is_none() && lead == 0 && !chosen {
                password_command
            } else {
                configured_among(&configured, &every, lead_login)
                    .and_then(|a| a.password_command.clone())
            };
            app.account.name = name_of(lead_login);
            app.account.notify =
                configured_among(&configured, &every, lead_login).and_then(|a| a.notify);
            let mut initial = adopt(&mut app, &mut executor, opened);
            // The others, parked; their streams start one after another.
            for (n, (other, mut opened)) in parked.into_iter().enumerate() {
                opened.session.delay_start(STAGGER * (n as u32 + 1));
                let account = vocechat_tui::app::Account {
                    name: name_of(other),
                    login: Some((
                        opened.logged_in.server.clone(),
                        opened.logged_in.email.clone(),
                    )),
                    password_command: configured_among(&configured, &every, other)
                        .and_then(|a| a.password_command.clone()),
                    notify: configured_among(&configured, &every, other).and_then(|a| a.notify),
                    ..Default::default()
                };
                initial.extend(adopt_parked(&mut app, &mut executor, opened, account));
            }
            if !failures.is_empty() {
                let said: Vec<String> = failures
                    .iter()
                    .map(|(name, e)| {
                        tracing::warn!("account {name} not opened: {e}");
                        format!("{name} ({e})")
                    })
                    .collect();
                app.error(format!("not opened: {}", said.join("; ")));
            }
            if let Some(mut form) = adding {
                form.adding = true;
                // No password to type: Enter logs in.
                if form.password_command.is_some() {
                    form.focus = vocechat_tui::app::LoginField::Email;
                }
                app.mode = Mode::Login(form);
            }
            let rt = runtime(app, executor, theme, &config, initial);
            front_end(rt, tx, rx, linear).await
        }
        None => {
            let mut app = App::new(keymap, settings, server.clone().unwrap_or_default());
            app.account.password_command = password_command.clone();
            app.account.notify = first_notify;
            app.mode = Mode::Login(LoginForm::new(server, email, password_command));
            let rt = runtime(app, executor, theme, &config, vec![]);
            front_end(rt, tx, rx, linear).await
        }
    }
}

/// How long each further account opened at a start waits before it connects, after the one
/// before it: the focused account has the link to itself first.
const STAGGER: std::time::Duration = std::time::Duration::from_millis(400);

/// The saved sessions `--account` names (each once, in the order named), or all of them
/// without it; a name that is no saved account is an error listing them.
fn only_named(
    names: &[String],
    config: &Config,
    all: Vec<SavedLogin>,
) -> anyhow::Result<Vec<SavedLogin>> {
    if names.is_empty() {
        return Ok(all);
    }
    let mut chosen: Vec<SavedLogin> = Vec::new();
    for name in names {
        let wanted = vocechat_tui::runtime::cli::account::Wanted {
            account: Some(name),
            server: None,
        };
        let found = vocechat_tui::runtime::cli::account::choose(wanted, config, &all)
            .map_err(|why| anyhow::anyhow!(why))?;
        if !chosen
            .iter()
            .any(|c| c.session.uid == found.session.uid && c.server == found.server)
        {
            chosen.push(found);
        }
    }
    Ok(chosen)
}

/// The loop's inputs, with the executor tuned from the config.
fn runtime(
    app: App,
    executor: Executor,
    theme: Theme,
    config: &Config,
    initial: Vec<Effect>,
) -> Runtime {
    Runtime {
        app,
        executor,
        theme,
        mouse: config.ui.mouse,
        scroll_regions: config.ui.scroll_regions,
        hyperlinks: config.ui.hyperlinks,
        query_image_protocol: config.ui.image_protocol == "auto",
        initial,
    }
}
