//! Your devices (`/devices`): every device the server keeps a session for, this one marked,
//! and logging another one out (asks first). Useful after losing a laptop; the web client
//! has no way to do it. The list comes from the server, so names are shown sanitized.
//!
//! The rule (issue 19): behaviour lives with the part that owns the state it changes. This
//! popup owns the list; the messages that change it (`Msg::DevicesListed`,
//! `Msg::DeviceLoggedOut`) are handled here.

use super::{Confirm, Popup, PopupState, Popups, Step, hint};
use crate::app::{App, Effect, Outcome};
use crate::keymap::{Action, Context, Keymap};
use crossterm::event::KeyEvent;

/// The devices popup.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Devices {
    pub list: Vec<String>,
    /// This client's own device id.
    pub this: String,
    pub selected: usize,
    /// Waiting for the list.
    pub loading: bool,
}

impl Devices {
    fn selected_device(&self) -> Option<&String> {
        self.list.get(self.selected)
    }

    /// Waiting for the list.
    fn loading() -> Devices {
        Devices {
            loading: true,
            ..Devices::default()
        }
    }
}

impl Popups {
    /// Where the devices popup is, if it is open (the topmost one).
    fn devices_at(&self) -> Option<usize> {
        self.iter().rposition(|p| matches!(p, Popup::Devices(_)))
    }

    fn devices_mut(&mut self) -> Option<&mut Devices> {
        self.iter_mut().rev().find_map(|p| match p {
            Popup::Devices(d) => Some(d),
            _ => None,
        })
    }
}

impl PopupState for Devices {
    fn context(&self) -> Context {
        Context::Devices
    }

    fn hints(&self, keys: &Keymap) -> (&'static str, Vec<String>) {
        (
            "DEVICES",
            vec![
                hint(keys, Action::DevicesLogout, "log out"),
                hint(keys, Action::DevicesClose, "close"),
            ],
        )
    }

    fn on_key(
        &mut self,
        app: &mut App,
        _key: &KeyEvent,
        action: Option<Action>,
    ) -> (Step, Vec<Effect>) {
        match action {
            Some(Action::DevicesUp) => self.selected = self.selected.saturating_sub(1),
            Some(Action::DevicesDown) => {
                self.selected = (self.selected + 1).min(self.list.len().saturating_sub(1));
            }
            Some(Action::DevicesLogout) => match self.selected_device() {
                Some(d) if *d == self.this => {
                    app.error("that is this device: /logout logs it out");
                }
                // Asked over the list, which stays as it is under the question.
                Some(d) => app.popups.push(Confirm::LogoutDevice(d.clone())),
                None => {}
            },
            Some(Action::DevicesClose) => return (Step::Close, vec![]),
            _ => {}
        }
        (Step::Stay, vec![])
    }
}

impl App {
    /// `/devices`: opens the popup and asks for the list.
    pub(in crate::app) fn open_devices(&mut self) -> Vec<Effect> {
        self.popups.push(Devices::loading());
        vec![Effect::ListDevices]
    }

    /// The server's list arrived (with this device's id), or could not be had.
    pub(in crate::app) fn on_devices_listed(
        &mut self,
        result: Outcome<(Vec<String>, String)>,
    ) -> Vec<Effect> {
        let Some(at) = self.popups.devices_at() else {
            return vec![]; // closed meanwhile
        };
        match result {
            Ok((mut list, this)) => {
                let Some(open) = self.popups.devices_mut() else {
                    return vec![];
                };
                let previous = open.selected_device().cloned();
                list.sort();
                // This device first, then the others by name.
                if let Some(i) = list.iter().position(|d| *d == this) {
                    let mine = list.remove(i);
                    list.insert(0, mine);
                }
                let selected = previous
                    .and_then(|p| list.iter().position(|d| *d == p))
                    .unwrap_or(0)
                    .min(list.len().saturating_sub(1));
                *open = Devices {
                    list,
                    this,
                    selected,
                    loading: false,
                };
            }
            Err(e) => {
                self.popups.remove(at);
                self.error(format!("devices: {e}"));
                self.on_failure(&e);
            }
        }
        vec![]
    }

    /// "Log out device X?" answered yes: back to the list while the server removes it.
    pub(in crate::app) fn logout_device(&mut self, device: String) -> Vec<Effect> {
        match self.popups.devices_mut() {
            Some(open) => *open = Devices::loading(),
            None => self.popups.push(Devices::loading()),
        }
        vec![Effect::LogoutDevice(device)]
    }

    /// The server removed a device (or would not): say so and list them again.
    pub(in crate::app) fn on_device_logged_out(
        &mut self,
        device: String,
        result: Outcome<()>,
    ) -> Vec<Effect> {
        let name = crate::sanitize::one_line(&device, 60);
        match result {
            Ok(()) => self.info(format!("{name} is logged out")),
            Err(e) => {
                self.error(format!("logging {name} out: {e}"));
            }
        }
        if self.popups.devices_at().is_some() {
            return vec![Effect::ListDevices];
        }
        vec![]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::tests::{key, synced};
    use crate::app::{Msg, update};
    use crossterm::event::KeyCode;

    fn listed(app: &mut App) {
        let fx = app.open_devices();
        assert_eq!(fx, vec![Effect::ListDevices]);
        update(
            app,
            Msg::DevicesListed(Ok((
                vec!["web:b".into(), "tui:me".into(), "tui:a\x1b[2J".into()],
                "tui:me".into(),
            ))),
        );
    }

    fn open(app: &App) -> &Devices {
        match app.popups.top() {
            Some(Popup::Devices(d)) => d,
            other => panic!("not the devices popup: {other:?}"),
        }
    }

    #[test]
    fn the_list_puts_this_device_first() {
        let mut app = synced();
        listed(&mut app);
        let d = open(&app);
        assert_eq!(d.list, vec!["tui:me", "tui:a\x1b[2J", "web:b"]);
        assert!(!d.loading);
    }

    #[test]
    fn this_device_cannot_be_logged_out_from_the_list() {
        let mut app = synced();
        listed(&mut app);
        let fx = update(&mut app, key(KeyCode::Delete));
        assert!(fx.is_empty());
        assert!(matches!(app.popups.top(), Some(Popup::Devices(_))));
        assert!(
            app.status
                .notice
                .as_ref()
                .is_some_and(|n| n.text.contains("/logout"))
        );
    }

    #[test]
    fn another_device_is_logged_out_after_a_yes() {
        let mut app = synced();
        listed(&mut app);
        update(&mut app, key(KeyCode::Down));
        update(&mut app, key(KeyCode::Down));
        update(&mut app, key(KeyCode::Char('d')));
        assert_eq!(
            app.popups.top(),
            Some(&Popup::Confirm(Confirm::LogoutDevice("web:b".into())))
        );
        let fx = update(&mut app, key(KeyCode::Char('y')));
        assert_eq!(fx, vec![Effect::LogoutDevice("web:b".into())]);
        assert!(open(&app).loading, "the list, asked for again");
        assert_eq!(app.popups.iter().count(), 1);
        let fx = update(
            &mut app,
            Msg::DeviceLoggedOut {
                device: "web:b".into(),
                result: Ok(()),
            },
        );
        assert_eq!(fx, vec![Effect::ListDevices]);
    }

    #[test]
    fn a_no_keeps_the_device() {
        let mut app = synced();
        listed(&mut app);
        update(&mut app, key(KeyCode::Down));
        update(&mut app, key(KeyCode::Delete));
        let fx = update(&mut app, key(KeyCode::Char('n')));
        assert!(fx.is_empty());
        // Back to the list, the same device selected.
        assert_eq!(open(&app).selected, 1);
        assert_eq!(open(&app).list[1], "tui:a\x1b[2J");
    }
}
