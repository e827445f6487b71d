//! The command line: the reader by default, subcommands for scripts and cron.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// A fast terminal reader for RSS, Atom and JSON feeds.
#[derive(Debug, Parser)]
#[command(name = "tidings", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// Directory holding config.toml [default: the platform's config dir]
    #[arg(long, global = true, env = "TIDINGS_CONFIG_DIR", value_name = "DIR")]
    pub config_dir: Option<PathBuf>,
    /// Directory holding the article cache [default: the platform's data dir]
    #[arg(long, global = true, env = "TIDINGS_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// Colour theme for the reader (default, light, high-contrast, solarized-dark, gruvbox,
    /// ssh-16, or a file in the config dir's themes/)
    #[arg(long, value_name = "NAME")]
    pub theme: Option<String>,
    /// What to do; without one, the reader opens (or, when not on a terminal, the latest
    /// articles are printed).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Subscribe to a feed (a web page's advertised feed is found automatically)
    Add {
        /// Feed or web page URL
        url: String,
        /// Title to show instead of the feed's own
        #[arg(long)]
        title: Option<String>,
        /// Tag for the feed (repeatable)
        #[arg(long = "tag", value_name = "TAG")]
        tags: Vec<String>,
        /// Subscribe without fetching the URL first (no autodiscovery)
        #[arg(long)]
        no_fetch: bool,
        /// With a sync server ([sync]): keep this feed here only, fetched by tidings, instead
        /// of subscribing on the server
        #[arg(long)]
        local: bool,
    },
    /// Unsubscribe from a feed and delete its articles (on the sync server too, for a feed
    /// it holds)
    Remove {
        /// Feed URL or id
        feed: String,
    },
    /// List subscriptions with their state
    Feeds {
        /// Print a JSON array (see README for the fields)
        #[arg(long)]
        json: bool,
    },
    /// Import subscriptions from OPML or a newsboat urls file, or everything from newsboat
    ///
    /// With --newsboat: newsboat's urls file (subscriptions, tags, titles) and its cache.db
    /// (cached articles with their read and flagged state; the `s` flag is starred). Read or
    /// starred on either side ends up read or starred; newsboat's files are only read.
    Import {
        /// The file to read (`-` for standard input)
        #[arg(required_unless_present = "newsboat", conflicts_with = "newsboat")]
        file: Option<PathBuf>,
        /// Import from newsboat: DIR holds urls and cache.db [default: newsboat's own,
        /// ~/.config/newsboat + ~/.local/share/newsboat, else ~/.newsboat]
        #[arg(long, value_name = "DIR", num_args = 0..=1)]
        newsboat: Option<Option<PathBuf>>,
        /// Print what was imported as JSON (with --newsboat)
        #[arg(long, requires = "newsboat")]
        json: bool,
    },
    /// Print subscriptions as OPML 2.0
    Export,
    /// Sync with the server of [sync]: subscriptions (folders as tags), new articles, and
    /// read and starred state both ways. Local changes wait in the cache while the server is
    /// away and are sent at the next sync.
    ///
    /// Exit codes: 0 synced; 75 the server is away or busy (unreachable, a rate limit, HTTP
    /// 5xx) for less than a day, and nothing is lost; 1 anything that needs you (a refused
    /// password, a failing password_command, answers that are not the API), or a server away
    /// for a day or more; 3 configuration; 4 database.
    Sync {
        /// For cron: print nothing when the sync went well, nor while the server has been
        /// away for less than a day (then once a day)
        #[arg(long, short)]
        quiet: bool,
        /// Print what the sync did as JSON (counts, requests, bytes received)
        #[arg(long, conflicts_with = "quiet")]
        json: bool,
        /// Unsubscribe here from every feed the server no longer lists, even when that is
        /// most of them (without it, such a list is taken for a server in trouble and nothing
        /// is unsubscribed)
        #[arg(long)]
        confirm_removal: bool,
    },
    /// Fetch all feeds, or the named ones (and sync with the server of [sync], when all)
    ///
    /// Exit codes: 0 the feeds were refreshed (a feed that failed is counted and recorded, not
    /// an error) and the sync went through, or its server has been away or busy for less than
    /// a day (its changes wait here; a warning on stderr, nothing with -q); 1 the sync needs
    /// you (a refused password, a failing password_command, answers that are not the API) or
    /// its server has been away for a day or more (with -q, said once a day); 3
    /// configuration; 4 database.
    Refresh {
        /// Feed URLs or ids (default: all)
        feeds: Vec<String>,
        /// For cron: print nothing when every feed went well; otherwise only the failed
        /// feeds (one line each, on stderr) and the totals line. A sync server away for less
        /// than a day is not a failure; one away longer is said once a day
        #[arg(long, short)]
        quiet: bool,
    },
    /// Print the number of unread articles (for status bars)
    Unread {
        /// Only this feed (URL or id)
        #[arg(long)]
        feed: Option<String>,
        /// Only feeds with this tag
        #[arg(long)]
        tag: Option<String>,
        /// Print `{"unread": N}`
        #[arg(long)]
        json: bool,
    },
    /// Apply the killfile (`[[kill]]` in config.toml) to the articles already cached: matching
    /// articles are hidden or marked read, and hidden ones no rule matches any more come back
    Kill {
        /// Change the cache (without it, only say what would change)
        #[arg(long)]
        apply: bool,
    },
    /// Print a shell completion script to standard output
    Completions {
        /// The shell
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff) to standard output
    Man,
    /// List cached articles, newest first
    Articles(ArticlesArgs),
    /// Mark articles read, unread, starred or unstarred
    Mark(MarkArgs),
    /// Search cached articles, best match first
    ///
    /// Words must all match, in any form ("strikes" finds "striking"); "quoted words" match as
    /// a phrase; word* matches as a prefix; -word excludes. Filters: feed:NAME (title, URL or
    /// id; quote names with spaces), tag:TAG, author:NAME, is:unread, is:read, is:starred,
    /// is:hidden (what the killfile hid), after:YYYY-MM-DD, before:YYYY-MM-DD.
    Search {
        /// The query (several arguments are joined with spaces)
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        /// At most this many
        #[arg(long, short = 'n', default_value_t = 50)]
        limit: usize,
        /// Print a JSON array (the fields of `articles --json`, plus `score`)
        #[arg(long)]
        json: bool,
    },
    /// List the articles most related to one ("read also")
    Related {
        /// Article id
        id: i64,
        /// At most this many
        #[arg(long, short = 'n', default_value_t = 6)]
        limit: usize,
        /// Print a JSON array (the fields of `articles --json`, plus `score`)
        #[arg(long)]
        json: bool,
        /// Rank as if it were this time (RFC 3339), instead of now: recency counts from it
        #[arg(long, value_name = "TIME", env = "TIDINGS_NOW")]
        now: Option<chrono::DateTime<chrono::FixedOffset>>,
    },
    /// Print an article as text
    Show {
        /// Article id
        id: i64,
        /// Wrap to this many columns [default: the terminal width, else 80]
        #[arg(long, short)]
        width: Option<u16>,
        /// Fetch the full text from the article's page when the cache has none (a stored one is
        /// always shown; on failure the feed's text is shown and stderr says why)
        #[arg(long)]
        full: bool,
    },
}

/// Filters for `articles`.
#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // independent clap flags
pub struct ArticlesArgs {
    /// Only this feed (URL or id)
    #[arg(long)]
    pub feed: Option<String>,
    /// Only feeds with this tag
    #[arg(long)]
    pub tag: Option<String>,
    /// Only unread articles
    #[arg(long)]
    pub unread: bool,
    /// Only starred articles
    #[arg(long)]
    pub starred: bool,
    /// Only the articles the killfile hid
    #[arg(long)]
    pub hidden: bool,
    /// At most this many
    #[arg(long, short = 'n', default_value_t = 50)]
    pub limit: usize,
    /// Print a JSON array (see README for the fields)
    #[arg(long)]
    pub json: bool,
}

/// Arguments of `mark`.
#[derive(Debug, Args)]
#[allow(clippy::struct_excessive_bools)] // clap flags, exactly one of which is set
#[command(group = clap::ArgGroup::new("state").required(true).multiple(false))]
pub struct MarkArgs {
    /// Article ids
    #[arg(required = true)]
    pub ids: Vec<i64>,
    /// Mark read
    #[arg(long, group = "state")]
    pub read: bool,
    /// Mark unread
    #[arg(long, group = "state")]
    pub unread: bool,
    /// Star
    #[arg(long, group = "state")]
    pub star: bool,
    /// Remove the star
    #[arg(long, group = "state")]
    pub unstar: bool,
}

impl MarkArgs {
    /// The mark the flags ask for.
    pub fn mark(&self) -> crate::store::Mark {
        use crate::store::Mark;
        if self.read {
            Mark::Read
        } else if self.unread {
            Mark::Unread
        } else if self.star {
            Mark::Star
        } else {
            Mark::Unstar
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn mark_needs_exactly_one_state() {
        assert!(Cli::try_parse_from(["tidings", "mark", "1", "2", "--read"]).is_ok());
        assert!(Cli::try_parse_from(["tidings", "mark", "1"]).is_err());
        assert!(Cli::try_parse_from(["tidings", "mark", "1", "--read", "--star"]).is_err());
    }
}
