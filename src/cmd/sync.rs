//! `sync`: one run with the server of `[sync]`; progress on stderr, the summary on stdout. Also
//! what `refresh` makes of a sync that failed: a server away for less than a day is no trouble
//! for cron (see [`Failed::exit`]).

use std::io::IsTerminal;

use anyhow::{Result, bail};
use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};

use super::{Context, ExitWith, Out, runtime};
use crate::store::{Removals, Store};
use crate::sync::{Account, Progress, Report, SyncError};

/// `tidings sync` exits with this when the server is away or busy (EX_TEMPFAIL of
/// sysexits.h): nothing is lost, and the next sync catches up.
pub const TEMPORARY: u8 = 75;

/// A sync that did not go through, with the local changes still waiting.
#[derive(Debug, thiserror::Error)]
#[error("{error}{}", waiting_note(*.waiting))]
pub(super) struct Failed {
    /// Why.
    pub error: SyncError,
    /// Local read/star changes waiting to be sent.
    pub waiting: u64,
}

fn waiting_note(waiting: u64) -> String {
    match waiting {
        0 => String::new(),
        1 => " (1 read/star change waiting)".into(),
        n => format!(" ({n} read/star changes waiting)"),
    }
}

impl Failed {
    /// How a command that ran for cron ends on this failure. A server away (unreachable,
    /// rate limit, HTTP 5xx) for less than a day: `Ok` with the message to show unless quiet
    /// (the caller decides the exit code). Longer, or anything that needs someone: exit 1,
    /// with a message (said once a day when `quiet` and the server is away).
    pub(super) fn exit(self, ctx: &Context, store: &mut Store, quiet: bool) -> Result<String> {
        let source = ctx.config.sync.as_ref().map_or("greader", |s| s.kind.name());
        if !self.error.is_temporary() {
            return Err(self.into());
        }
        let now = Utc::now();
        let Some(outage) = crate::sync::outage(store, source, now)?.filter(|o| o.lasted_a_day) else {
            return Ok(self.to_string());
        };
        let since = outage.since.with_timezone(&chrono::Local).format("%Y-%m-%d %H:%M");
        let days = (now - outage.since).num_days();
        let message = format!(
            "no sync has gone through since {since} ({days} day{}): {self}",
            if days == 1 { "" } else { "s" }
        );
        if quiet && !outage.tell {
            return Err(ExitWith { code: 1, message: String::new() }.into());
        }
        crate::sync::reminded(store, source, now)?;
        Err(ExitWith { code: 1, message }.into())
    }
}

pub(super) fn run(
    ctx: &Context,
    out: &mut Out,
    quiet: bool,
    json: bool,
    confirm_removal: bool,
) -> Result<()> {
    let Some(sync) = &ctx.config.sync else {
        bail!(
            "there is no server to sync with: add a [sync] section to {} (kind = \"greader\", url, user, password_command; see README, \"Sync with a server\")",
            ctx.paths.config_file().display()
        );
    };
    if let Some(warning) = crate::sync::config_file_warning(sync, &ctx.paths.config_file()) {
        super::warn(format!("tidings: warning: {warning}"));
    }
    let mut store = ctx.open_store()?;
    let rt = runtime()?;
    let removals = if confirm_removal { Removals::All } else { Removals::Few };
    let report = match rt.block_on(sync_report(ctx, &mut store, quiet || json, removals))? {
        Ok(report) => report,
        Err(failed) => {
            let message = failed.exit(ctx, &mut store, quiet)?;
            let message = if quiet { String::new() } else { message };
            return Err(ExitWith { code: TEMPORARY, message }.into());
        }
    };
    tell_refusals(&report);
    if json {
        out.json(&report)?;
    } else if !quiet {
        out.line(report.to_string())?;
    }
    held_removals(&report)
}

/// Fails, saying what to do, when the server's list would have unsubscribed most feeds and
/// nothing was unsubscribed (see [`crate::store::Store::apply_subscriptions`]).
pub(super) fn held_removals(report: &Report) -> Result<()> {
    let subs = &report.subscriptions;
    if subs.held == 0 {
        return Ok(());
    }
    bail!(
        "the sync server {} no longer lists {} of your {} synced feeds, so none of them was unsubscribed here in case the server is in trouble. If you did unsubscribe from them elsewhere, run `tidings sync --confirm-removal` (their starred articles stay either way).",
        report.host,
        subs.held,
        subs.synced
    )
}

/// Says on stderr which subscriptions the server would not take.
pub(super) fn tell_refusals(report: &Report) {
    for (url, why) in &report.subscribe_failed {
        super::warn(format!(
            "tidings: {url} is not subscribed on the server: {why} (it stays here and is offered again at the next sync; `tidings remove {url}` drops it)"
        ));
    }
}

/// One sync with progress on stderr (unless `quiet`): what it did, or why it did not go
/// through (`Err` only for what is not the sync's own failure). Also run by `tidings refresh`
/// after the local feeds, and by `add` and `remove` to tell the server at once.
pub(super) async fn sync_report(
    ctx: &Context,
    store: &mut Store,
    quiet: bool,
    removals: Removals,
) -> Result<std::result::Result<Report, Failed>> {
    let Some(sync) = &ctx.config.sync else { bail!("there is no [sync] section") };
    let mut account = Account::new(sync, &ctx.config)?;
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new_spinner();
        bar.set_style(
            ProgressStyle::with_template("{spinner} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        bar
    });
    let mut last_line = std::time::Instant::now();
    let mut progress = |p: Progress| match &bar {
        Some(bar) => bar.set_message(crate::text::sanitize::clean_text(&p.to_string()).into_owned()),
        // Not a terminal: a line now and then during a long sync, for a log.
        None if !quiet
            && matches!(p, Progress::Articles(n) if n > 0)
            && last_line.elapsed().as_secs() >= 2 =>
        {
            last_line = std::time::Instant::now();
            super::warn(format!("sync: {p}"));
        }
        None => {}
    };
    let result = account.sync(store, &ctx.config, removals, &mut progress).await;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    Ok(result.map_err(|error| Failed { error, waiting: store.outbox_len().unwrap_or(0) }))
}
