//! VoceSpace tokens checked by an independent HS256 verifier (hmac + sha2 + base64, not the
//! jsonwebtoken code that signs them): header, every claim, signature over the secret's raw
//! bytes, no padding, the URL shape, and expiry.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    clippy::print_stderr
)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use vocechat_tui::protocol::vocespace::{
    CallOptions, DEFAULT_SECRET, Participant, Room, Settings, make_link,
};

/// Splits and verifies a JWT the way VoceSpace's strict path (jsonwebtoken 9, HS256) does.
fn verify(token: &str, secret: &[u8], now: i64) -> Result<(Value, Value), String> {
    let re_ok = token.split('.').count() == 3
        && token
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.');
    if !re_ok {
        return Err("Invalid token format".into());
    }
    let parts: Vec<&str> = token.split('.').collect();
    let header: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(parts[0])
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(parts[1])
            .map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).unwrap();
    mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
    let sig = URL_SAFE_NO_PAD
        .decode(parts[2])
        .map_err(|e| e.to_string())?;
    mac.verify_slice(&sig)
        .map_err(|_| "invalid signature".to_string())?;
    if claims["exp"].as_i64().is_some_and(|exp| exp < now) {
        return Err("Token is expired".into());
    }
    Ok((header, claims))
}

fn token_of(url: &str) -> &str {
    url.split("&token=").nth(1).unwrap()
}

const NOW: i64 = 1_795_300_000;

fn who(id: &str, username: &str, avatar: Option<String>) -> Participant {
    Participant {
        id: id.into(),
        username: username.into(),
        avatar,
    }
}

/// The verified claims of a link for `channel_5` made with `options` over `settings`.
fn claims_with(settings: &Settings, options: &CallOptions) -> Value {
    let link = make_link(
        settings,
        options,
        "https://meet.example.com",
        "channel_5",
        who("vocechat_42", "ada", None),
        NOW,
    )
    .unwrap();
    assert_eq!(
        link.room, options.room,
        "the link says which room it asks for"
    );
    verify(token_of(&link.url), settings.secret.as_bytes(), NOW)
        .unwrap()
        .1
}

#[test]
fn the_link_carries_a_valid_hs256_token_with_every_claim() {
    let settings = Settings::default();
    let link = make_link(
        &settings,
        &CallOptions::default(),
        "https://meet.example.com",
        "channel_5",
        who(
            "vocechat_abc_42",
            "Ada Lovelace",
            Some("https://chat.example.com/api/resource/avatar?uid=42".into()),
        ),
        NOW,
    )
    .unwrap();
    assert!(
        link.url
            .starts_with("https://meet.example.com/api/connection-details?auth=vocechat&token="),
        "{}",
        link.url
    );
    let token = token_of(&link.url);
    assert!(
        !token.contains('=') && !token.contains('+') && !token.contains('/'),
        "base64url without padding"
    );
    let (header, claims) = verify(token, DEFAULT_SECRET.as_bytes(), NOW).unwrap();
    assert_eq!(header, json!({"alg": "HS256", "typ": "JWT"}));
    assert_eq!(
        claims,
        json!({"id": "vocechat_abc_42", "username": "Ada Lovelace", "avatar": "https://chat.example.com/api/resource/avatar?uid=42",
               "space": "channel_5", "identity": "participant", "preJoin": true, "iat": NOW, "exp": NOW + 3600})
    );
    assert!(claims["preJoin"].is_boolean(), "a boolean, not a string");
    assert_eq!(link.expires_at, NOW + 3600);
    // The wrong secret (or a base64-decoded one) does not verify.
    assert!(verify(token, b"another_secret", NOW).is_err());
}

#[test]
fn optional_claims_are_left_out_and_settings_apply() {
    let settings = Settings {
        auth: "other team".into(),
        lifetime_secs: 600,
        pre_join: false,
        secret: "fork-secret".into(),
        ..Settings::default()
    };
    let link = make_link(
        &settings,
        &CallOptions::default(),
        "http://127.0.0.1:3000",
        "dm_7",
        who("vocechat_7", "bob", None),
        NOW,
    )
    .unwrap();
    assert!(
        link.url
            .starts_with("http://127.0.0.1:3000/api/connection-details?auth=other+team&token="),
        "{}",
        link.url
    );
    let (_, claims) = verify(token_of(&link.url), b"fork-secret", NOW).unwrap();
    assert!(claims.get("avatar").is_none(), "no null fields: {claims}");
    assert!(claims.get("nbf").is_none() && claims.get("room").is_none());
    assert_eq!(
        (claims["preJoin"].clone(), claims["exp"].as_i64()),
        (json!(false), Some(NOW + 600))
    );
}

#[test]
fn tokens_expire_after_their_lifetime() {
    let link = make_link(
        &Settings::default(),
        &CallOptions::default(),
        "https://m.example.com",
        "channel_1",
        who("i", "u", None),
        NOW,
    )
    .unwrap();
    let token = token_of(&link.url);
    assert!(
        verify(token, DEFAULT_SECRET.as_bytes(), NOW + 3600).is_ok(),
        "still valid at exp"
    );
    assert_eq!(
        verify(token, DEFAULT_SECRET.as_bytes(), NOW + 3601).unwrap_err(),
        "Token is expired"
    );
    // A nonsense lifetime is raised to a usable minimum.
    let short = make_link(
        &Settings {
            lifetime_secs: 0,
            ..Settings::default()
        },
        &CallOptions::default(),
        "https://m.example.com",
        "channel_1",
        who("i", "u", None),
        NOW,
    )
    .unwrap();
    assert_eq!(short.expires_at, NOW + 60);
}

#[test]
fn the_room_claim_is_left_out_unless_a_room_is_asked_for() {
    let settings = Settings::default();
    let plain = claims_with(&settings, &CallOptions::default());
    assert!(
        plain.get("room").is_none(),
        "no room claim by default: {plain}"
    );
    for (room, claim) in [
        (Room::Empty, "$empty"),
        (Room::Main, "$space"),
        (
            Room::Named("Design review \"β\"".into()),
            "Design review \"β\"",
        ),
    ] {
        let options = CallOptions {
            room: Some(room),
            ..CallOptions::default()
        };
        let claims = claims_with(&settings, &options);
        assert_eq!(claims["room"], json!(claim), "{claims}");
        // Everything else is what the plain link says.
        let mut rest = claims.clone();
        rest.as_object_mut().unwrap().remove("room");
        assert_eq!(rest, plain);
    }
}

#[test]
fn identity_and_pre_join_per_call_override_the_config() {
    let settings = Settings {
        identity: "guest".into(),
        pre_join: false,
        ..Settings::default()
    };
    let from_config = claims_with(&settings, &CallOptions::default());
    assert_eq!(
        (&from_config["identity"], &from_config["preJoin"]),
        (&json!("guest"), &json!(false))
    );
    let options = CallOptions {
        identity: Some("manager".into()),
        pre_join: Some(true),
        ..CallOptions::default()
    };
    let claims = claims_with(&settings, &options);
    assert_eq!(
        (&claims["identity"], &claims["preJoin"]),
        (&json!("manager"), &json!(true))
    );
    let only_pre_join = CallOptions {
        pre_join: Some(true),
        ..CallOptions::default()
    };
    assert_eq!(
        claims_with(&settings, &only_pre_join)["identity"],
        json!("guest"),
        "an option left out keeps the config's value"
    );
}

#[test]
fn options_that_fail_their_check_are_not_signed() {
    for options in [
        CallOptions {
            room: Some(Room::Named("evil\u{1b}[2J".into())),
            ..CallOptions::default()
        },
        CallOptions {
            room: Some(Room::Named("$space".into())),
            ..CallOptions::default()
        },
        CallOptions {
            identity: Some("root".into()),
            ..CallOptions::default()
        },
    ] {
        let made = make_link(
            &Settings::default(),
            &options,
            "https://meet.example.com",
            "channel_5",
            who("i", "u", None),
            NOW,
        );
        assert!(made.is_err(), "{options:?} was signed");
    }
}
