//! The command that runs an implementation (`--adapter-cmd`): where its
//! program is, and its files as inputs of a run: no output may
//! overwrite the program `--adapter-cmd` runs, a file its arguments name, or
//! the running suite binary (which, for a Rust vendor, is the
//! implementation).

use crate::fsio::outputs::Named;
use std::path::{Path, PathBuf};

/// Where `program` is: itself when it names a path (a `/` in it), else the
/// first executable match on `PATH`.
pub fn find_program(program: &str) -> Result<PathBuf, String> {
    if program.contains('/') {
        let path = Path::new(program);
        return match std::fs::metadata(path) {
            Err(e) => Err(format!("the program `{program}` cannot be found: {e}")),
            Ok(m) if !is_executable(&m) => {
                Err(format!("the program `{program}` is not an executable file"))
            }
            Ok(_) => Ok(path.to_path_buf()),
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| std::fs::metadata(candidate).is_ok_and(|m| is_executable(&m)))
        .ok_or_else(|| format!("the program `{program}` is not on PATH"))
}

fn is_executable(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    metadata.is_file() && metadata.permissions().mode() & 0o111 != 0
}

/// The files of an `--adapter-cmd`: its program as found on `PATH` (or as
/// named), and each argument that names an existing file (also the value of
/// an `--option=FILE` argument). A command that does not split names none.
pub fn command_files(command: &str) -> Vec<Named> {
    let Ok(words) = crate::protocol::words::split(command) else {
        return Vec::new();
    };
    let mut files = Vec::new();
    let mut words = words.iter();
    if let Some(program) = words.next()
        && let Ok(path) = find_program(program)
    {
        files.push(Named::new("the --adapter-cmd program", path));
    }
    for word in words {
        let value = word
            .strip_prefix("--")
            .and_then(|w| w.split_once('='))
            .map_or(word.as_str(), |(_, value)| value);
        let candidates = if value == word {
            vec![value]
        } else {
            vec![word.as_str(), value]
        };
        for candidate in candidates {
            if !candidate.is_empty() && Path::new(candidate).is_file() {
                files.push(Named::new("a file of --adapter-cmd", candidate));
            }
        }
    }
    files
}

/// The inputs a run's outputs must never be: the files of `command` (when
/// the implementation is a command) and the running suite binary.
pub fn implementation_inputs(command: Option<&str>) -> Vec<Named> {
    let mut inputs: Vec<Named> = command.map(command_files).unwrap_or_default();
    if let Ok(binary) = std::env::current_exe() {
        inputs.push(Named::new("the running suite binary", binary));
    }
    inputs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_program_and_every_argument_naming_a_file_are_inputs() {
        let dir = tempfile::tempdir().unwrap();
        let script = dir.path().join("adapter.py");
        std::fs::write(&script, "").unwrap();
        let config = dir.path().join("config.json");
        std::fs::write(&config, "").unwrap();
        let command = format!(
            "sh {} --verbose --config={} no/such/file",
            script.display(),
            config.display()
        );
        let files = command_files(&command);
        let paths: Vec<&Path> = files.iter().map(|f| f.path.as_path()).collect();
        assert!(
            paths.iter().any(|p| p.ends_with("sh")),
            "the program as found on PATH: {paths:?}"
        );
        assert!(paths.contains(&script.as_path()), "{paths:?}");
        assert!(paths.contains(&config.as_path()), "{paths:?}");
        assert_eq!(paths.len(), 3, "{paths:?}");
        assert!(command_files("python3 'unclosed").is_empty());
        let inputs = implementation_inputs(None);
        assert_eq!(inputs.len(), 1);
        assert_eq!(inputs[0].path, std::env::current_exe().unwrap());
    }
}
