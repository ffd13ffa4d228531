//! The real-time side of a live: each event (a pin, a price, stock, a
//! comment, a purchase, the viewer count) is serialized once and fanned out
//! to every viewer's Server-Sent Events stream on this node; with an event
//! bus, to the other nodes' viewers too (core NATS: live events are
//! momentary, and a viewer who missed some is sent the live's current
//! state, not a history).
//!
//! Each live keeps its last events, so a viewer reconnecting with
//! `Last-Event-ID` gets what it missed; one whose id is no longer kept (or
//! that fell behind) gets the current state instead — never a hole.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use etalase_domain::id::{LiveId, ProductId};
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// Events kept per live for reconnecting viewers.
const KEPT: usize = 256;
/// Events a slow viewer may be behind before it is sent the state instead.
const BUFFER: usize = 512;
/// How often viewer counts are told (a join does not broadcast to all).
const COUNT_EVERY: Duration = Duration::from_secs(2);
/// A node's count not heard again within this is forgotten (the node died).
const COUNT_TTL_MS: i64 = 10_000;
/// Counts told while nobody watched a live on this node before its channel
/// (its kept events and state) is dropped: a minute, so a viewer whose
/// connection blinked still gets what it missed.
const IDLE_COUNTS: i64 = 30;
/// Comments posted within this window reach viewers as one event: at 200
/// comments a second, ten events a second per viewer rather than 200 (each
/// event is a wake-up and a write per viewer, ten thousand viewers each).
const COMMENT_BATCH: Duration = Duration::from_millis(100);

/// One event of a live, as viewers receive it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveEvent {
    /// Unique and increasing per publishing node; opaque to viewers.
    pub id: String,
    /// `state`, `comments` (a JSON array), `comment_removed`, `purchase`,
    /// `viewers`.
    pub kind: String,
    /// JSON, serialized once for every viewer.
    pub data: Arc<str>,
    /// The event as a Server-Sent Events frame (`id:`, `event:`, `data:`),
    /// framed once: every viewer's stream sends these same bytes, shared,
    /// rather than a copy each (ten thousand viewers, one allocation).
    pub frame: bytes::Bytes,
}

impl LiveEvent {
    pub fn new(id: String, kind: String, data: Arc<str>) -> LiveEvent {
        // JSON has no raw line breaks, so the data is one `data:` line.
        let frame = format!("id: {id}\nevent: {kind}\ndata: {data}\n\n");
        LiveEvent {
            id,
            kind,
            data,
            frame: bytes::Bytes::from(frame),
        }
    }
}

/// A live's channel on this node.
pub struct LiveChannel {
    sender: broadcast::Sender<Arc<LiveEvent>>,
    recent: Mutex<VecDeque<Arc<LiveEvent>>>,
    /// The last `state` event: what a viewer joining or resyncing is sent.
    state: Mutex<Option<Arc<LiveEvent>>>,
    viewers: AtomicI64,
    /// Other nodes' viewers: node → (count, when heard, ms).
    remote: Mutex<HashMap<String, (i64, i64)>>,
    told: AtomicI64,
    /// The most viewers counted at once on every node since this node
    /// opened the channel.
    peak: AtomicI64,
    /// Counts told in a row with nobody watching here.
    idle: AtomicI64,
    /// Comments waiting for the batch's flush (JSON objects); a flush is
    /// scheduled while this is not empty.
    pending_comments: Mutex<Vec<String>>,
    /// Products bought from the live since its viewers were last told;
    /// `Some` while a telling is scheduled.
    purchases: Mutex<Option<Vec<ProductId>>>,
    /// Held while the state is built for viewers joining a channel that has
    /// none: one builds it, the others wait and take it.
    building: tokio::sync::Mutex<()>,
}

impl LiveChannel {
    fn new() -> LiveChannel {
        LiveChannel {
            sender: broadcast::channel(BUFFER).0,
            recent: Mutex::new(VecDeque::with_capacity(KEPT)),
            state: Mutex::new(None),
            viewers: AtomicI64::new(0),
            remote: Mutex::new(HashMap::new()),
            told: AtomicI64::new(-1),
            peak: AtomicI64::new(0),
            idle: AtomicI64::new(0),
            pending_comments: Mutex::new(Vec::new()),
            purchases: Mutex::new(None),
            building: tokio::sync::Mutex::new(()),
        }
    }

    fn deliver(&self, event: Arc<LiveEvent>) {
        if event.kind == "state" {
            *self.state.lock().expect("live state") = Some(event.clone());
        }
        {
            let mut recent = self.recent.lock().expect("live events");
            if recent.len() == KEPT {
                recent.pop_front();
            }
            recent.push_back(event.clone());
        }
        // No receiver is not an error: nobody watches on this node.
        let _ = self.sender.send(event);
    }

    /// The live's current state, when this node has seen one.
    pub fn state(&self) -> Option<Arc<LiveEvent>> {
        self.state.lock().expect("live state").clone()
    }

    /// Taken to build the state when the channel has none (see the field).
    pub async fn building(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.building.lock().await
    }

    /// The events after `last_id`, or `None` when it is no longer kept.
    pub fn after(&self, last_id: &str) -> Option<Vec<Arc<LiveEvent>>> {
        let recent = self.recent.lock().expect("live events");
        let at = recent.iter().position(|e| e.id == last_id)?;
        Some(recent.iter().skip(at + 1).cloned().collect())
    }

    /// Viewers on this node and, with an event bus, on the others.
    pub fn viewers(&self, now_ms: i64) -> i64 {
        let local = self.viewers.load(Ordering::Relaxed);
        let remote: i64 = self
            .remote
            .lock()
            .expect("live counts")
            .values()
            .filter(|(_, at)| now_ms - at <= COUNT_TTL_MS)
            .map(|(n, _)| n)
            .sum();
        local + remote
    }

    /// Adds products bought from the live to those its viewers will be
    /// told of; `true` when no telling was scheduled (the caller schedules
    /// one, and [`LiveChannel::take_purchases`] when it runs).
    pub fn add_purchases(&self, products: impl IntoIterator<Item = ProductId>) -> bool {
        let mut purchases = self.purchases.lock().expect("live purchases");
        let first = purchases.is_none();
        let bought = purchases.get_or_insert_with(Vec::new);
        for product in products {
            if !bought.contains(&product) {
                bought.push(product);
            }
        }
        first
    }

    /// The products bought since the last telling; the next purchase
    /// schedules a new one.
    pub fn take_purchases(&self) -> Vec<ProductId> {
        self.purchases
            .lock()
            .expect("live purchases")
            .take()
            .unwrap_or_default()
    }

    /// The most viewers counted at once (see [`LiveHub::tell_counts`]).
    pub fn peak(&self) -> i64 {
        self.peak.load(Ordering::Relaxed)
    }

    pub fn local_viewers(&self) -> i64 {
        self.viewers.load(Ordering::Relaxed)
    }
}

/// A viewer watching a live: counted while it lives.
pub struct Watch {
    pub channel: Arc<LiveChannel>,
    pub events: broadcast::Receiver<Arc<LiveEvent>>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.channel.viewers.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Every live's channel on this node.
pub struct LiveHub {
    channels: Mutex<HashMap<LiveId, Arc<LiveChannel>>>,
    /// Makes event ids unique across nodes and tells a node its own
    /// messages back from the bus.
    node: String,
    sequence: AtomicI64,
    bus: OnceLock<Bus>,
}

struct Bus {
    client: async_nats::Client,
    prefix: String,
}

impl Default for LiveHub {
    fn default() -> Self {
        LiveHub {
            channels: Mutex::new(HashMap::new()),
            node: ulid::Ulid::new().to_string()[16..].to_owned(),
            sequence: AtomicI64::new(0),
            bus: OnceLock::new(),
        }
    }
}

/// A live event as it travels between nodes.
#[derive(Serialize, Deserialize)]
struct Wire {
    node: String,
    live: LiveId,
    #[serde(flatten)]
    event: WireEvent,
}

#[derive(Serialize, Deserialize)]
#[serde(tag = "t", rename_all = "snake_case")]
enum WireEvent {
    Event {
        id: String,
        kind: String,
        data: String,
    },
    Count {
        viewers: i64,
        at: i64,
    },
}

impl LiveHub {
    pub fn channel(&self, live: LiveId) -> Arc<LiveChannel> {
        self.channels
            .lock()
            .expect("live channels")
            .entry(live)
            .or_insert_with(|| Arc::new(LiveChannel::new()))
            .clone()
    }

    /// The channel if this node has one (nobody opened the live here yet).
    pub fn existing(&self, live: LiveId) -> Option<Arc<LiveChannel>> {
        self.channels
            .lock()
            .expect("live channels")
            .get(&live)
            .cloned()
    }

    /// Starts watching a live (counted until the watch is dropped).
    pub fn watch(&self, live: LiveId) -> Watch {
        let channel = self.channel(live);
        channel.viewers.fetch_add(1, Ordering::Relaxed);
        let events = channel.sender.subscribe();
        Watch { channel, events }
    }

    fn next_id(&self) -> String {
        let n = self.sequence.fetch_add(1, Ordering::Relaxed);
        let ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default();
        format!("{ms:x}-{n:x}-{}", self.node)
    }

    /// Sends an event to the live's viewers here and on every node.
    pub fn publish(&self, live: LiveId, kind: &str, data: String) -> Arc<LiveEvent> {
        let event = Arc::new(LiveEvent::new(self.next_id(), kind.to_owned(), data.into()));
        self.channel(live).deliver(event.clone());
        if let Some(bus) = self.bus.get() {
            let wire = Wire {
                node: self.node.clone(),
                live,
                event: WireEvent::Event {
                    id: event.id.clone(),
                    kind: event.kind.clone(),
                    data: event.data.to_string(),
                },
            };
            bus.send(&wire);
        }
        event
    }

    /// Sends a comment (a JSON object) to the live's viewers with the
    /// others posted within [`COMMENT_BATCH`], as one `comments` event.
    pub fn publish_comment(self: &Arc<Self>, live: LiveId, comment: String) {
        let channel = self.channel(live);
        let first = {
            let mut pending = channel.pending_comments.lock().expect("live comments");
            pending.push(comment);
            pending.len() == 1
        };
        if first {
            let hub = self.clone();
            tokio::spawn(async move {
                tokio::time::sleep(COMMENT_BATCH).await;
                let batch =
                    std::mem::take(&mut *channel.pending_comments.lock().expect("live comments"));
                if !batch.is_empty() {
                    hub.publish(live, "comments", format!("[{}]", batch.join(",")));
                }
            });
        }
    }

    /// Tells each live's viewers how many watch, when that changed, and
    /// keeps the peak; with an event bus, tells the other nodes this node's
    /// counts. A channel nobody watched here for [`IDLE_COUNTS`] counts is
    /// dropped (the next viewer opens a new one with the current state).
    pub fn tell_counts(&self, now_ms: i64) {
        let channels: Vec<(LiveId, Arc<LiveChannel>)> = self
            .channels
            .lock()
            .expect("live channels")
            .iter()
            .map(|(id, c)| (*id, c.clone()))
            .collect();
        for (live, channel) in channels {
            if let Some(bus) = self.bus.get() {
                bus.send(&Wire {
                    node: self.node.clone(),
                    live,
                    event: WireEvent::Count {
                        viewers: channel.local_viewers(),
                        at: now_ms,
                    },
                });
            }
            let viewers = channel.viewers(now_ms);
            channel.peak.fetch_max(viewers, Ordering::Relaxed);
            if channel.local_viewers() == 0 && channel.sender.receiver_count() == 0 {
                if channel.idle.fetch_add(1, Ordering::Relaxed) + 1 >= IDLE_COUNTS {
                    let mut channels = self.channels.lock().expect("live channels");
                    if channels
                        .get(&live)
                        .is_some_and(|c| Arc::ptr_eq(c, &channel) && c.sender.receiver_count() == 0)
                    {
                        channels.remove(&live);
                    }
                }
                continue;
            }
            channel.idle.store(0, Ordering::Relaxed);
            if channel.told.swap(viewers, Ordering::Relaxed) != viewers {
                let data = serde_json::json!({ "viewers": viewers }).to_string();
                let event = Arc::new(LiveEvent::new(
                    self.next_id(),
                    "viewers".to_owned(),
                    data.into(),
                ));
                // Counts are not kept for replay: the next one replaces them.
                let _ = channel.sender.send(event);
            }
        }
    }

    fn receive(&self, wire: Wire) {
        if wire.node == self.node {
            return;
        }
        match wire.event {
            WireEvent::Event { id, kind, data } => {
                self.channel(wire.live)
                    .deliver(Arc::new(LiveEvent::new(id, kind, data.into())));
            }
            WireEvent::Count { viewers, at } => {
                if let Some(channel) = self.existing(wire.live) {
                    channel
                        .remote
                        .lock()
                        .expect("live counts")
                        .insert(wire.node, (viewers, at));
                }
            }
        }
    }
}

impl Bus {
    fn subject(&self, live: LiveId) -> String {
        format!("{}.live.{live}", self.prefix)
    }

    fn send(&self, wire: &Wire) {
        let Ok(body) = serde_json::to_vec(wire) else {
            return;
        };
        let client = self.client.clone();
        let subject = self.subject(wire.live);
        tokio::spawn(async move {
            if let Err(e) = client.publish(subject, body.into()).await {
                tracing::warn!(error = %e, "live event not sent to the bus");
            }
        });
    }
}

/// Tells viewer counts every two seconds.
pub fn spawn_counter(
    hub: Arc<LiveHub>,
    clock: Arc<dyn crate::clock::Clock>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(COUNT_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            hub.tell_counts(clock.now().unix_millis());
        }
    })
}

/// Joins the event bus at `url`: live events published here reach the
/// viewers of every node, and theirs reach this node's.
pub async fn join_bus(
    hub: Arc<LiveHub>,
    url: &str,
    prefix: &str,
) -> crate::ServiceResult<tokio::task::JoinHandle<()>> {
    let client = async_nats::connect(url)
        .await
        .map_err(crate::ServiceError::internal)?;
    let mut messages = client
        .subscribe(format!("{prefix}.live.>"))
        .await
        .map_err(crate::ServiceError::internal)?;
    let _ = hub.bus.set(Bus {
        client,
        prefix: prefix.to_owned(),
    });
    Ok(tokio::spawn(async move {
        while let Some(message) = messages.next().await {
            match serde_json::from_slice::<Wire>(&message.payload) {
                Ok(wire) => hub.receive(wire),
                Err(e) => tracing::warn!(error = %e, "unreadable live event from the bus"),
            }
        }
    }))
}
