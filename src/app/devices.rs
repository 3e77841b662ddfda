//! Your devices (`/devices`): every device the server keeps a session for, this one marked,
//! and logging another one out (asks first). Useful after losing a laptop; the web client
//! has no way to do it. The list comes from the server, so names are shown sanitized.

use super::{App, Confirm, Effect, Mode, Outcome};
use crate::keymap::Action;

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
}

impl App {
    /// `/devices`: opens the popup and asks for the list.
    pub(super) fn open_devices(&mut self) -> Vec<Effect> {
        self.mode = Mode::Devices(Devices {
            loading: true,
            ..Devices::default()
        });
        vec![Effect::ListDevices]
    }

    /// The server's list arrived (with this device's id), or could not be had.
    pub(super) fn devices_listed(&mut self, result: Outcome<(Vec<String>, String)>) {
        let Mode::Devices(open) = &self.mode else {
            return; // closed meanwhile
        };
        let previous = open.selected_device().cloned();
        match result {
            Ok((mut list, this)) => {
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
                self.mode = Mode::Devices(Devices {
                    list,
                    this,
                    selected,
                    loading: false,
                });
            }
            Err(e) => {
                self.mode = Mode::Chat;
                self.error(format!("devices: {e}"));
                self.on_failure(&e);
            }
        }
    }

    /// A key in the devices popup.
    pub(super) fn devices_key(&mut self, mut open: Devices, action: Option<Action>) -> Vec<Effect> {
        match action {
            Some(Action::DevicesUp) => open.selected = open.selected.saturating_sub(1),
            Some(Action::DevicesDown) => {
                open.selected = (open.selected + 1).min(open.list.len().saturating_sub(1));
            }
            Some(Action::DevicesLogout) => match open.selected_device() {
                Some(d) if *d == open.this => {
                    self.error("that is this device: /logout logs it out");
                }
                Some(d) => {
                    self.mode = Mode::Confirm(Confirm::LogoutDevice(d.clone()));
                    return vec![];
                }
                None => {}
            },
            Some(Action::DevicesClose) => {
                self.mode = Mode::Chat;
                return vec![];
            }
            _ => {}
        }
        self.mode = Mode::Devices(open);
        vec![]
    }

    /// "Log out device X?" answered yes: back to the list while the server removes it.
    pub(super) fn logout_device(&mut self, device: String) -> Vec<Effect> {
        self.mode = Mode::Devices(Devices {
            loading: true,
            ..Devices::default()
        });
        vec![Effect::LogoutDevice(device)]
    }

    /// The server removed a device (or would not): say so and list them again.
    pub(super) fn device_logged_out(&mut self, device: String, result: Outcome<()>) -> Vec<Effect> {
        let name = crate::sanitize::one_line(&device, 60);
        match result {
            Ok(()) => self.info(format!("{name} is logged out")),
            Err(e) => {
                self.error(format!("logging {name} out: {e}"));
            }
        }
        if matches!(self.mode, Mode::Devices(_)) {
            return vec![Effect::ListDevices];
        }
        vec![]
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{key, synced};
    use super::*;
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
        match &app.mode {
            Mode::Devices(d) => d,
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
        assert!(matches!(app.mode, Mode::Devices(_)));
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
            app.mode,
            Mode::Confirm(Confirm::LogoutDevice("web:b".into()))
        );
        let fx = update(&mut app, key(KeyCode::Char('y')));
        assert_eq!(fx, vec![Effect::LogoutDevice("web:b".into())]);
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
        assert_eq!(app.mode, Mode::Chat);
    }
}
