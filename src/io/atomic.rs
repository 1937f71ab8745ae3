//! Writing outputs safely: atomic replacement through a synced temporary
//! file, the same-file check between outputs and inputs, and the signal
//! cleanup that removes temporary files of an interrupted run.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// Refuses, before anything is read or written, a run whose output file is
/// one of its input files (`topics fit a.txt -o a.txt` would replace the
/// answers with the model; `topics report m.json -o m.json` the model with
/// HTML). `None` entries are flags not given; `-` (standard input) and
/// paths that do not exist yet are never the same file as anything.
///
/// "The same file" is decided by identity, not by name: on Unix the device
/// and inode (so `./a.txt`, `../dir/a.txt`, a symlink or a hard link to the
/// input are all caught), elsewhere the canonical paths.
pub fn refuse_overwriting_inputs(
    outputs: &[Option<&Path>],
    inputs: &[Option<&Path>],
) -> Result<()> {
    let inputs: Vec<(&Path, FileIdentity)> = inputs
        .iter()
        .flatten()
        .filter_map(|&p| FileIdentity::of(p).map(|id| (p, id)))
        .collect();
    for &output in outputs.iter().flatten() {
        let Some(id) = FileIdentity::of(output) else {
            continue;
        };
        if let Some(&(input, _)) = inputs.iter().find(|(_, other)| *other == id) {
            return Err(Error::OutputIsInput {
                output: output.to_path_buf(),
                input: input.to_path_buf(),
            });
        }
    }
    Ok(())
}

/// What makes two paths the same file.
#[derive(Debug, PartialEq, Eq)]
struct FileIdentity {
    #[cfg(unix)]
    dev_ino: (u64, u64),
    #[cfg(not(unix))]
    canonical: PathBuf,
}

impl FileIdentity {
    /// The identity of the regular file `path` names (following symlinks);
    /// `None` for `-`, for devices and pipes (`/dev/null` is written in
    /// place, never replaced) and for a path that does not exist or cannot
    /// be inspected (reading or writing it reports that in its own words).
    fn of(path: &Path) -> Option<FileIdentity> {
        if path == Path::new("-") {
            return None;
        }
        let meta = std::fs::metadata(path).ok().filter(|m| m.is_file())?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            Some(FileIdentity {
                dev_ino: (meta.dev(), meta.ino()),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = meta;
            Some(FileIdentity {
                canonical: std::fs::canonicalize(path).ok()?,
            })
        }
    }
}

/// Writes standard output, naming it in the error: a full disk or
/// `> /dev/full` is an I/O error (exit 4) like any other file. A closed
/// pipe keeps its `BrokenPipe` source, which the binary treats as success.
pub fn write_stdout(bytes: &[u8]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)
        .and_then(|()| out.flush())
        .map_err(|source| Error::Io {
            path: PathBuf::from("<stdout>"),
            source,
        })
}

/// Writes `path` atomically: the bytes go to a temporary file in the same
/// directory, are synced to disk, and the file is renamed over `path`.
/// If `write` fails or the process dies, the previous `path` is untouched.
///
/// - A symlink is written through: the temporary file is made beside the
///   file the link (or chain of links) finally names and renamed onto it,
///   so the link stays a link and its target gets the new content.
/// - A target that exists but is not a regular file (`/dev/null`, a FIFO,
///   a terminal) is written to directly: renaming over it would replace
///   the device with a plain file.
/// - No temporary file outlives the process: while open it is registered,
///   and SIGINT, SIGTERM or SIGHUP remove it before the process exits with
///   128 + the signal (130, 143, 129). Temporary files that an earlier,
///   killed process left in the same directory are removed first (see
///   [`sweep_stale_temporaries`]).
///
/// For tests only: `TOPICS_TEST_WRITE_DELAY_MS` (milliseconds) holds every
/// write open that long after its bytes are written, so that a test can
/// interrupt a write for certain. Not for any other use.
pub fn write_atomic<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    // Before resolving links: `/dev/stdout` names a pipe through a link
    // whose text (`pipe:[…]`) is no path.
    if let Ok(meta) = std::fs::metadata(path) {
        if !meta.is_file() && !meta.is_dir() {
            return write_in_place(path, write);
        }
    }
    let target = resolve_symlinks(path)?;
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(Error::Io {
            path: path.to_path_buf(),
            source: std::io::Error::new(
                std::io::ErrorKind::NotFound,
                format!("directory {} does not exist", dir.display()),
            ),
        });
    }
    sweep_stale_temporaries(&dir);
    let io_err = |e: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let mut tmp =
        temporaries::create(&dir, output_permissions(&target)).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            // tempfile's own message repeats the path; say it once, plainly.
            source: std::io::Error::new(
                e.kind(),
                format!("cannot create a file in {}: {}", dir.display(), e.kind()),
            ),
        })?;
    {
        let mut buffered = std::io::BufWriter::new(tmp.file.as_file_mut());
        write(&mut buffered).map_err(io_err)?;
        buffered.flush().map_err(io_err)?;
    }
    test_write_delay();
    tmp.file.as_file().sync_all().map_err(io_err)?;
    tmp.persist(&target).map_err(io_err)
}

/// The file that writing `path` lands in: `path` itself, or the end of its
/// chain of symlinks (which need not exist yet: a dangling link is
/// written through too, creating its target).
fn resolve_symlinks(path: &Path) -> Result<PathBuf> {
    let mut current = path.to_path_buf();
    // As the kernel's ELOOP: a longer chain is taken to be a loop.
    for _ in 0..40 {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&current).map_err(|e| Error::io(path, e))?;
                // A relative target is relative to the link's directory;
                // `join` keeps an absolute one as it is.
                current = match current.parent() {
                    Some(dir) => dir.join(target),
                    None => target,
                };
            }
            _ => return Ok(current),
        }
    }
    Err(Error::Io {
        path: path.to_path_buf(),
        source: std::io::Error::other("too many levels of symbolic links"),
    })
}

/// The test-only pause of [`write_atomic`] (see there).
fn test_write_delay() {
    if let Some(ms) = std::env::var("TOPICS_TEST_WRITE_DELAY_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        std::thread::sleep(std::time::Duration::from_millis(ms));
    }
}

/// The prefix of every temporary file `topics` makes; followed by the
/// writing process's id, a dash, random characters, and [`TEMP_SUFFIX`].
const TEMP_PREFIX: &str = ".topics-";
const TEMP_SUFFIX: &str = ".tmp";

/// A temporary file older than this is stale whoever made it: a write
/// keeps its file's modification time fresh, and none takes an hour.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(3600);

/// Removes the temporary files of ours in `dir` that are provably stale:
/// named `.topics-<pid>-….tmp` by a process that is no longer running, or
/// (whatever the name, as older versions wrote `.topics-XXXXXX.tmp`) not
/// modified for an hour. Anything else — other names, directories, the
/// files of running processes — is left alone. Failures are ignored: this
/// is housekeeping, not part of the write.
pub fn sweep_stale_temporaries(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if !(name.starts_with(TEMP_PREFIX) && name.ends_with(TEMP_SUFFIX)) {
            continue;
        }
        let Ok(meta) = entry.path().symlink_metadata() else {
            continue;
        };
        if !meta.is_file() {
            continue;
        }
        let old = meta
            .modified()
            .ok()
            .and_then(|m| m.elapsed().ok())
            .is_some_and(|age| age > STALE_AFTER);
        let orphaned = temp_file_pid(name)
            .is_some_and(|pid| pid != std::process::id() && !process_is_running(pid));
        if old || orphaned {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The process id in a temporary file's name `.topics-<pid>-….tmp`.
fn temp_file_pid(name: &str) -> Option<u32> {
    let rest = name.strip_prefix(TEMP_PREFIX)?;
    let (pid, _) = rest.split_once('-')?;
    pid.parse().ok()
}

/// Whether process `pid` exists (signal 0 checks without sending; EPERM
/// means it exists but belongs to someone else). Where that cannot be
/// asked, every process is taken to be running, so only age makes a
/// temporary file stale.
fn process_is_running(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        if pid <= 0 {
            return true;
        }
        // SAFETY: kill with signal 0 sends nothing; it only checks.
        let alive = unsafe { libc::kill(pid, 0) } == 0;
        alive || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Temporary files registered while open, removed if a signal ends the
/// process before they are renamed into place.
mod temporaries {
    use std::path::{Path, PathBuf};
    use std::sync::{Mutex, MutexGuard, Once};

    /// The paths of the temporary files open now.
    static OPEN: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

    fn open_files() -> MutexGuard<'static, Vec<PathBuf>> {
        OPEN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A registered temporary file: deleted by `tempfile` and unregistered
    /// when dropped, unless persisted.
    pub(super) struct Temporary {
        pub(super) file: tempfile::NamedTempFile,
        registration: Registration,
    }

    /// Unregisters its path when dropped.
    struct Registration(PathBuf);

    /// Creates `.topics-<pid>-XXXXXX.tmp` in `dir` and registers it, after
    /// making sure the signal handler that removes it is installed.
    pub(super) fn create(
        dir: &Path,
        permissions: Option<std::fs::Permissions>,
    ) -> std::io::Result<Temporary> {
        static INSTALL: Once = Once::new();
        INSTALL.call_once(super::signals::install);
        let prefix = format!("{}{}-", super::TEMP_PREFIX, std::process::id());
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(super::TEMP_SUFFIX);
        if let Some(permissions) = permissions {
            builder.permissions(permissions);
        }
        // Registered under the lock that the signal cleanup holds, so a
        // file is either created and registered or not created at all.
        let mut open = open_files();
        let file = builder.tempfile_in(dir)?;
        open.push(file.path().to_path_buf());
        let registration = Registration(file.path().to_path_buf());
        Ok(Temporary { file, registration })
    }

    impl Temporary {
        /// Renames the file onto `target`; it is then no longer ours.
        pub(super) fn persist(self, target: &Path) -> std::io::Result<()> {
            let Temporary { file, registration } = self;
            let result = file.persist(target).map(drop).map_err(|e| e.error);
            drop(registration);
            result
        }
    }

    impl Drop for Registration {
        fn drop(&mut self) {
            unregister(&self.0);
        }
    }

    fn unregister(path: &Path) {
        let mut open = open_files();
        if let Some(i) = open.iter().position(|p| p == path) {
            open.swap_remove(i);
        }
    }

    /// Removes every registered file and leaves the lock held, so that no
    /// new one appears before the process exits.
    pub(super) fn remove_all_and_hold() -> MutexGuard<'static, Vec<PathBuf>> {
        let open = open_files();
        for path in open.iter() {
            let _ = std::fs::remove_file(path);
        }
        open
    }
}

/// SIGINT, SIGTERM and SIGHUP while a temporary file is open: remove it,
/// then exit 128 + the signal as a shell would report it.
///
/// The handler itself only writes the signal number into a pipe (the one
/// thing a signal handler may safely do); a watcher thread reads it, takes
/// the registry lock, removes the files and exits. Written on `libc`,
/// already in the dependency tree, instead of adding `signal-hook`. Only a
/// signal left at its default (dying) is taken over: one that was ignored
/// (`nohup`, a background job) stays ignored, and one that other code of
/// the process handles (a server's graceful shutdown) stays theirs; their
/// leftovers are swept by the next write instead.
#[cfg(unix)]
mod signals {
    use std::sync::atomic::{AtomicI32, Ordering};

    const SIGNALS: [libc::c_int; 3] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP];

    /// The pipe's write end, for the handler.
    static PIPE: AtomicI32 = AtomicI32::new(-1);

    extern "C" fn on_signal(signal: libc::c_int) {
        let fd = PIPE.load(Ordering::Relaxed);
        let byte = signal as u8;
        // SAFETY: write(2) is async-signal-safe; the byte outlives the call.
        unsafe { libc::write(fd, (&byte as *const u8).cast(), 1) };
    }

    /// Installs the handlers and starts the watcher; on any failure leaves
    /// the default behavior (the process dies, as before).
    pub(super) fn install() {
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: `fds` has room for the two descriptors pipe(2) writes.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            return;
        }
        let [read_end, write_end] = fds;
        // SAFETY: plain fcntl(2) calls on descriptors we own.
        unsafe {
            for fd in fds {
                libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
            }
            // A full pipe must not block the handler (one byte suffices).
            libc::fcntl(write_end, libc::F_SETFL, libc::O_NONBLOCK);
        }
        PIPE.store(write_end, Ordering::Relaxed);
        let watcher = std::thread::Builder::new()
            .name("topics-signals".into())
            .spawn(move || watch(read_end));
        if watcher.is_err() {
            return;
        }
        for signal in SIGNALS {
            handle(signal);
        }
    }

    /// Points `signal` at [`on_signal`] if it was at its default.
    fn handle(signal: libc::c_int) {
        // SAFETY: sigaction(2) with zero-initialized, then filled, structs.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
            action.sa_flags = libc::SA_RESTART;
            libc::sigemptyset(&mut action.sa_mask);
            let mut previous: libc::sigaction = std::mem::zeroed();
            if libc::sigaction(signal, &action, &mut previous) == 0
                && previous.sa_sigaction != libc::SIG_DFL
            {
                libc::sigaction(signal, &previous, std::ptr::null_mut());
            }
        }
    }

    /// Waits for a signal number from the pipe, cleans up and exits.
    fn watch(read_end: libc::c_int) {
        let mut byte = 0u8;
        loop {
            // SAFETY: reads one byte into `byte`.
            let n = unsafe { libc::read(read_end, (&mut byte as *mut u8).cast(), 1) };
            if n == 1 {
                break;
            }
            if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            }
            return;
        }
        let _held = super::temporaries::remove_all_and_hold();
        std::process::exit(128 + byte as i32);
    }
}

#[cfg(not(unix))]
mod signals {
    /// No handler: the temporary files of a killed process are swept by
    /// age on the next write into their directory.
    pub(super) fn install() {}
}

fn write_in_place<F>(path: &Path, write: F) -> Result<()>
where
    F: FnOnce(&mut dyn Write) -> std::io::Result<()>,
{
    let io_err = |e: std::io::Error| Error::Io {
        path: path.to_path_buf(),
        source: e,
    };
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(path)
        .map_err(io_err)?;
    let mut buffered = std::io::BufWriter::new(file);
    write(&mut buffered).map_err(io_err)?;
    buffered.flush().map_err(io_err)
}

/// A replaced file keeps its permissions; a new one is readable by all
/// (a temporary file would otherwise leave the output private, 0600).
fn output_permissions(path: &Path) -> Option<std::fs::Permissions> {
    if let Ok(meta) = std::fs::metadata(path) {
        return Some(meta.permissions());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        Some(std::fs::Permissions::from_mode(0o644))
    }
    #[cfg(not(unix))]
    {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn devices_are_written_in_place_not_replaced() {
        use std::os::unix::fs::FileTypeExt;
        write_atomic(Path::new("/dev/null"), |w| w.write_all(b"discarded")).unwrap();
        let meta = std::fs::metadata("/dev/null").unwrap();
        assert!(
            meta.file_type().is_char_device(),
            "/dev/null is still a device"
        );
    }

    #[test]
    fn atomic_write_replaces_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        std::fs::write(&path, "old").unwrap();
        let failed = write_atomic(&path, |w| {
            w.write_all(b"partial")?;
            Err(std::io::Error::other("interrupted"))
        });
        assert!(failed.is_err());
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "old");
        write_atomic(&path, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let fresh = dir.path().join("fresh.txt");
            write_atomic(&fresh, |w| w.write_all(b"x")).unwrap();
            assert_eq!(
                std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777,
                0o644
            );
            std::fs::remove_file(&fresh).unwrap();
        }
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn same_file_check_ignores_absent_paths_and_stdin() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.txt");
        std::fs::write(&input, "x").unwrap();
        let new = dir.path().join("new.txt");
        let stdin = Path::new("-");
        let null = Path::new("/dev/null");
        refuse_overwriting_inputs(&[Some(null)], &[Some(null)]).unwrap();
        refuse_overwriting_inputs(
            &[Some(&new), None, Some(stdin)],
            &[Some(&input), Some(stdin), None],
        )
        .unwrap();
        let err = refuse_overwriting_inputs(&[Some(&new), Some(&input)], &[None, Some(&input)])
            .unwrap_err();
        assert_eq!(err.exit_code(), 12);
        assert!(matches!(err, Error::OutputIsInput { ref output, .. } if output == &input));
    }

    #[test]
    fn temporary_names_carry_the_writer_pid() {
        assert_eq!(temp_file_pid(".topics-4242-Ab3dEf.tmp"), Some(4242));
        assert_eq!(temp_file_pid(".topics-Ab3dEf.tmp"), None);
        assert_eq!(temp_file_pid(".other-4242-Ab3dEf.tmp"), None);
        assert!(process_is_running(std::process::id()));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        let err = write_atomic(&a, |w| w.write_all(b"x")).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}: too many levels of symbolic links", a.display())
        );
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    /// `-o /dev/stdout` into a pipe: written in place through the link.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_pipe_behind_a_link_is_written_in_place() {
        use std::io::Read;
        use std::os::fd::AsRawFd;
        let (mut reader, writer) = std::io::pipe().unwrap();
        let path = PathBuf::from(format!("/proc/self/fd/{}", writer.as_raw_fd()));
        write_atomic(&path, |w| w.write_all(b"through the pipe")).unwrap();
        drop(writer);
        let mut text = String::new();
        reader.read_to_string(&mut text).unwrap();
        assert_eq!(text, "through the pipe");
    }
}
