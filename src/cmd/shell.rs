//! `completions` and `man`: generated from the clap command tree, so they always list the
//! real subcommands and options. They need no configuration and no cache.

use std::io::Write;

use anyhow::{Context as _, Result};
use clap::CommandFactory;

use crate::cli::Cli;

/// Writes the completion script for `shell` to `out`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<()> {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "tidings", out);
    out.flush().context("cannot write the completion script")
}

/// Writes the manual page to `out`: the main page (whose SUBCOMMANDS section lists them all),
/// then a section per subcommand with its synopsis, description and options.
pub fn man(out: &mut dyn Write) -> Result<()> {
    let mut command = Cli::command();
    command.build();
    let mut page: Vec<u8> = Vec::new();
    clap_mangen::Man::new(command.clone()).title("TIDINGS").render(&mut page)?;
    for sub in command.get_subcommands().filter(|s| s.get_name() != "help") {
        let name = format!("tidings {}", sub.get_name());
        let man = clap_mangen::Man::new(sub.clone().bin_name(name.clone()));
        writeln!(page, ".SH \"{}\"", name.to_uppercase())?;
        let mut sections: Vec<u8> = Vec::new();
        man.render_synopsis_section(&mut sections)?;
        man.render_description_section(&mut sections)?;
        man.render_options_section(&mut sections)?;
        // Within the subcommand's section, its parts are subsections.
        // (Each section repeats the page's string definitions; once, at the top, is enough.)
        let lines = String::from_utf8_lossy(&sections).into_owned();
        for line in lines.lines().filter(|l| !l.starts_with(".ie ") && !l.starts_with(".el ")) {
            match line.strip_prefix(".SH ") {
                Some(title) => writeln!(page, ".SS {title}")?,
                None => writeln!(page, "{line}")?,
            }
        }
    }
    out.write_all(&page).context("cannot write the manual page")?;
    out.flush().context("cannot write the manual page")
}
