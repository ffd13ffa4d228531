//! Who did something: every audit line and every event names its actor.

use serde::{Deserialize, Serialize};

use crate::id::{ApiKeyId, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Actor {
    User(UserId),
    ApiKey(ApiKeyId),
    /// The platform itself: schedulers, the command line, migrations.
    System,
}

impl Actor {
    pub fn kind(self) -> &'static str {
        match self {
            Actor::User(_) => "user",
            Actor::ApiKey(_) => "api_key",
            Actor::System => "system",
        }
    }

    pub fn id(self) -> Option<String> {
        match self {
            Actor::User(id) => Some(id.to_string()),
            Actor::ApiKey(id) => Some(id.to_string()),
            Actor::System => None,
        }
    }

    /// One text for a column: the user's or key's id, or `system`.
    pub fn as_text(self) -> String {
        self.id().unwrap_or_else(|| "system".to_owned())
    }

    /// Reads [`Actor::as_text`] back.
    pub fn parse_text(text: &str) -> Option<Actor> {
        if text == "system" {
            return Some(Actor::System);
        }
        text.parse()
            .map(Actor::User)
            .or_else(|_| text.parse().map(Actor::ApiKey))
            .ok()
    }
}
