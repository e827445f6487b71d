//! `sync`: one run with the server of `[sync]`; progress on stderr, the summary on stdout.

use std::io::IsTerminal;

use anyhow::{Result, bail};
use indicatif::{ProgressBar, ProgressStyle};

use super::{Context, Out, runtime};
use crate::store::{Removals, Store};
use crate::sync::{Account, Progress, Report};

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
    let report = rt.block_on(sync_report(ctx, &mut store, quiet || json, removals))?;
    if json {
        out.json(&report)?;
    } else if !quiet {
        out.line(report.to_string())?;
    }
    held_removals(&report)
}

/// Fails, saying what to do, when the server's list would have unsubscribed most feeds and
/// nothing was unsubscribed (see [`crate::store::Store::apply_subscriptions`]).
fn held_removals(report: &Report) -> Result<()> {
    let subs = report.subscriptions;
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

/// One sync with progress on stderr; the summary line, or the error with what waits locally.
/// Also run by `tidings refresh` after the local feeds.
pub(super) async fn sync_once(ctx: &Context, store: &mut Store, quiet: bool) -> Result<String> {
    if ctx.config.sync.is_none() {
        return Ok(String::new());
    }
    let report = sync_report(ctx, store, quiet, Removals::Few).await?;
    held_removals(&report)?;
    Ok(report.to_string())
}

async fn sync_report(ctx: &Context, store: &mut Store, quiet: bool, removals: Removals) -> Result<Report> {
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
    match result {
        Ok(report) => {
            for (url, why) in &report.subscribe_failed {
                super::warn(format!(
                    "tidings: the server did not subscribe to {url}: {why} (it stays here and is tried again at the next sync; `tidings remove {url}` drops it)"
                ));
            }
            Ok(report)
        }
        Err(e) => {
            let waiting = store.outbox_len().unwrap_or(0);
            if waiting > 0 {
                bail!("{e} ({waiting} read/star change{} waiting)", if waiting == 1 { "" } else { "s" });
            }
            bail!("{e}")
        }
    }
}
