//! The window of `benches/accounts.rs`: the library's executor and app put together as
//! `main.rs` (opening the saved accounts, the focused one then the others parked) and
//! `runtime/run.rs` (the loop: a batch of messages, the effects, a frame) put them, drawn on a
//! ratatui `TestBackend`.

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;
use vocechat_tui::app::{Account, AccountId, AccountView, App, Effect, Msg, Settings, update};
use vocechat_tui::config::Config;
use vocechat_tui::keymap::{Keymap, Preset};
use vocechat_tui::runtime::account::{Context, Opened, Source};
use vocechat_tui::runtime::executor::{Executor, Setup};
use vocechat_tui::runtime::session_store::{SavedLogin, SessionStore};
use vocechat_tui::runtime::sync::SyncConfig;
use vocechat_tui::theme::Theme;
use vocechat_tui::ui::RenderCache;

/// `main.rs`: each further account opened at a start connects this long after the one before.
pub const STAGGER: Duration = Duration::from_millis(400);
pub const WIDTH: u16 = 120;
pub const HEIGHT: u16 = 40;

/// The executor's setup as `main.rs` makes it for the data directory `dir`.
pub fn setup(dir: &Path) -> Setup {
    Setup {
        data_dir: Some(dir.to_path_buf()),
        sessions: Some(Arc::new(SessionStore::new(dir))),
        device: "tui:bench-accounts".into(),
        sync: SyncConfig {
            marks_dir: Some(dir.to_path_buf()),
            ..SyncConfig::default()
        },
        vocespace: Default::default(),
        chunk_size: 200 * 1024,
    }
}

pub fn account_of(opened: &Opened, name: &str) -> Account {
    Account {
        name: name.into(),
        login: Some((
            opened.logged_in.server.clone(),
            opened.logged_in.email.clone(),
        )),
        ..Default::default()
    }
}

pub use vocechat_tui::runtime::start::{adopt, adopt_parked};

/// A window: the app, its executor and its channel, drawn on a `TestBackend` as the loop
/// draws (a frame, then again if the frame's view changed the app).
pub struct Window {
    pub app: App,
    pub executor: Executor,
    /// The app's channel, which the executor's tasks report to.
    rx: mpsc::UnboundedReceiver<Msg>,
    /// Messages handled and frames drawn since the start.
    pub handled: u64,
    pub frames: u64,
    term: Terminal<TestBackend>,
    theme: Theme,
    cache: RenderCache,
    /// Where the start's time went: (phase, ms).
    pub phases: Vec<(&'static str, f64)>,
}

impl Window {
    /// Opens `saved` (the first focused, the others parked with their streams staggered) as a
    /// start does, runs the effects the loop runs before its first frame, and draws it.
    pub async fn start(dir: &Path, saved: &[SavedLogin]) -> Window {
        let mut phases = Vec::new();
        let mut at = Instant::now();
        let mut phase = |name: &'static str| {
            phases.push((name, at.elapsed().as_secs_f64() * 1e3));
            at = Instant::now();
        };
        let (tx, rx) = mpsc::unbounded_channel();
        let mut executor = Executor::new(setup(dir), tx);
        let keymap = Keymap::new(Preset::Default);
        let settings = Settings::from(&Config::default());
        // Every store read at the same time (`Executor::open_all`), as main.rs does.
        let sources = saved.iter().map(|s| Source::Saved(s.clone())).collect();
        let mut answers = executor.open_all(sources).await.into_iter();
        phase("open every store at once");
        let first = answers.next().unwrap().unwrap();
        let label = vocechat_tui::app::url_label(&first.logged_in.server);
        let mut app = App::logged_in(first.logged_in.uid, keymap, settings, label);
        app.account = account_of(&first, "one");
        let mut initial = adopt(&mut app, &mut executor, first);
        for (n, opened) in answers.enumerate() {
            let mut opened = opened.unwrap();
            let n = n + 1;
            opened.session.delay_start(STAGGER * n as u32);
            let account = account_of(&opened, ["one", "two", "three"][n.min(2)]);
            initial.extend(adopt_parked(&mut app, &mut executor, opened, account));
        }
        phase("fold them into the app");
        update(&mut app, Msg::Clock(vocechat_tui::clock::now_ms()));
        update(&mut app, Msg::Resize(WIDTH, HEIGHT));
        for effect in initial {
            executor.run(effect);
        }
        phase("run the initial effects");
        let mut window = Window::new(app, executor, rx);
        window.draw();
        phase("draw the first frame");
        window.phases = phases;
        window
    }

    pub fn new(app: App, executor: Executor, rx: mpsc::UnboundedReceiver<Msg>) -> Window {
        Window {
            app,
            executor,
            rx,
            handled: 0,
            frames: 0,
            term: Terminal::new(TestBackend::new(WIDTH, HEIGHT)).unwrap(),
            theme: Theme::dark(),
            cache: RenderCache::default(),
            phases: Vec::new(),
        }
    }

    /// Opens `saved` into the running window, parked, its stream started now (an account
    /// added while the others run); its id.
    pub async fn add_parked(&mut self, saved: &SavedLogin, name: &str) -> AccountId {
        let opened = self
            .executor
            .open(Source::Saved(saved.clone()))
            .await
            .unwrap();
        let id = opened.session.id;
        let account = account_of(&opened, name);
        for effect in adopt_parked(&mut self.app, &mut self.executor, opened, account) {
            self.executor.run(effect);
        }
        if self.app.dirty {
            self.draw();
        }
        id
    }

    /// `run.rs`'s loop until `done` holds after a batch of messages (the moment it did), or
    /// until `until` (`None`).
    pub async fn run_until(
        &mut self,
        until: Instant,
        done: impl Fn(&App) -> bool,
    ) -> Option<Instant> {
        let until = tokio::time::Instant::from_std(until);
        loop {
            let deadline = self.app.next_deadline();
            let first = tokio::select! {
                msg = self.rx.recv() => msg.unwrap(),
                () = sleep_until_ms(deadline) => Msg::Tick,
                Some(event) = self.executor.next_event() => {
                    self.executor.on_event(event);
                    continue;
                }
                () = tokio::time::sleep_until(until) => return None,
            };
            self.handle(first);
            if done(&self.app) {
                return Some(Instant::now());
            }
        }
    }

    /// One batch, as `run.rs` handles it: every message waiting, the effects (those for the
    /// terminal left out: nothing here has one), a frame if anything changed.
    pub fn handle(&mut self, first: Msg) {
        update(&mut self.app, Msg::Clock(vocechat_tui::clock::now_ms()));
        let mut batch = vec![first];
        while let Ok(more) = self.rx.try_recv() {
            batch.push(more);
        }
        let mut effects = Vec::new();
        let mut dirty = false;
        for msg in batch {
            self.handled += 1;
            self.executor.observe(&msg);
            effects.extend(update(&mut self.app, msg));
            dirty |= self.app.dirty;
        }
        self.executor.focus(self.app.focused);
        for effect in effects {
            match effect {
                Effect::Bell
                | Effect::CopyText(_)
                | Effect::CopyFileUrl { .. }
                | Effect::Notify { .. }
                | Effect::OpenUrl(_)
                | Effect::OpenEditor(_) => {}
                other => self.executor.run(other),
            }
        }
        self.executor.save_view(&self.app);
        if dirty {
            self.frames += 1;
            self.draw();
        }
    }

    /// Account `id` as the screen reads it.
    pub fn account(&self, id: AccountId) -> AccountView<'_> {
        view_of(&self.app, id)
    }

    /// `run.rs`'s `draw`.
    pub fn draw(&mut self) {
        let mut view = None;
        self.term
            .draw(|f| {
                view = Some(vocechat_tui::ui::draw(
                    f,
                    &self.app,
                    &self.theme,
                    &mut self.cache,
                ));
            })
            .unwrap();
        if let Some(v) = view
            && v.differs_from(&self.app)
        {
            update(&mut self.app, Msg::View(v));
            if self.app.dirty {
                self.term
                    .draw(|f| {
                        vocechat_tui::ui::draw(f, &self.app, &self.theme, &mut self.cache);
                    })
                    .unwrap();
            }
        }
        self.app.dirty = false;
    }

    /// The text on the last frame.
    pub fn screen(&self) -> String {
        let buffer = self.term.backend().buffer();
        buffer
            .content
            .iter()
            .map(ratatui::buffer::Cell::symbol)
            .collect()
    }

    pub async fn close(mut self) {
        self.executor.shutdown().await;
    }
}

pub fn view_of(app: &App, id: AccountId) -> AccountView<'_> {
    app.accounts().into_iter().find(|a| a.id == id).unwrap()
}

/// `run.rs`: sleep until the app's next deadline (a little after it), or for ever.
pub async fn sleep_until_ms(deadline: Option<i64>) {
    match deadline {
        Some(at) => {
            let wait = (at - vocechat_tui::clock::now_ms()).max(0) as u64;
            tokio::time::sleep(Duration::from_millis(wait + 5)).await;
        }
        None => std::future::pending().await,
    }
}

/// What the executor gives each account it opens (`Executor::context_for`): every message
/// the account's tasks send reaches the app tagged with `id`.
pub fn tagged_context(id: AccountId, dir: &Path, app_tx: &mpsc::UnboundedSender<Msg>) -> Context {
    let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
    let out = app_tx.clone();
    tokio::spawn(async move {
        while let Some(msg) = rx.recv().await {
            if out.send(Msg::For(id, Box::new(msg))).is_err() {
                break;
            }
        }
    });
    let setup = setup(dir);
    Context {
        data_dir: setup.data_dir,
        sessions: setup.sessions,
        persist: true,
        stream_lock: true,
        device: setup.device,
        sync: setup.sync,
        vocespace: setup.vocespace,
        chunk_size: setup.chunk_size,
        tx,
        // Only a store rebuilt after a failure reports here.
        events: mpsc::unbounded_channel().0,
    }
}
