//! The interview over a real OpenSSH connection on 127.0.0.1, as an auditor runs it
//! (`ssh -t host vse-assess interview ...`), driven in tmux; then the connection dropped
//! mid-edit.
//!
//! Needs sshd, ssh, ssh-keygen and tmux (see `common::tools`).

use crate::common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Tmux, new_record};
use tempfile::TempDir;
use vse_assess::rating::Judgement;
use vse_assess::record::access::Access;
use vse_assess::record::store;

const SSHD: &str = "/usr/sbin/sshd";

/// An sshd on a free loopback port that lets the current user in with a fresh key.
struct Server {
    child: Child,
    port: u16,
    key: PathBuf,
    user: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn keygen(path: &Path) {
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(path)
        .status()
        .unwrap();
    assert!(ok.success());
}

fn start_sshd(dir: &Path) -> Server {
    start_sshd_with(dir, "")
}

fn current_user() -> String {
    String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_owned()
}

/// An sshd as [`start_sshd`], with `extra` at the end of its configuration.
fn start_sshd_with(dir: &Path, extra: &str) -> Server {
    keygen(&dir.join("host_key"));
    keygen(&dir.join("client_key"));
    std::fs::copy(dir.join("client_key.pub"), dir.join("authorized_keys")).unwrap();
    // sshd wants its privilege separation directory when run as root.
    let _ = std::fs::create_dir_all("/run/sshd");
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = format!(
        "Port {port}\nListenAddress 127.0.0.1\nHostKey {d}/host_key\nAuthorizedKeysFile {d}/authorized_keys\n\
         PidFile {d}/sshd.pid\nStrictModes no\nUsePAM no\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n\
         PermitRootLogin prohibit-password\nPrintMotd no\nPrintLastLog no\nLogLevel ERROR\n{extra}",
        d = dir.display()
    );
    std::fs::write(dir.join("sshd_config"), config).unwrap();
    let child = Command::new(SSHD)
        .args(["-D", "-e", "-f"])
        .arg(dir.join("sshd_config"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "sshd did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let user = current_user();
    Server {
        child,
        port,
        key: dir.join("client_key"),
        user,
    }
}

/// Runs `vse-assess interview FILE` over ssh -t in a detached 80x24 tmux window.
fn interview_over_ssh(server: &Server, dir: &Path, file: &str) -> Tmux {
    let bin = env!("CARGO_BIN_EXE_vse-assess");
    let remote = format!("cd '{}' && exec '{bin}' interview {file}", dir.display());
    let ssh = format!(
        "ssh -t -p {} -i '{}' -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR {}@127.0.0.1 \"{remote}\"",
        server.port,
        server.key.display(),
        server.user
    );
    Tmux::start(dir.join(format!("tmux-{file}.sock")), &ssh)
}

/// Pids of processes whose command line contains `needle`.
fn pids_running(needle: &str) -> Vec<u32> {
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| cmdline(*pid).contains(needle))
        .collect()
}

#[test]
fn interview_over_ssh_and_a_dropped_connection() {
    if !common::tools(
        &[SSHD, "ssh", "ssh-keygen", "tmux"],
        "apt-get install openssh-server openssh-client tmux",
    ) {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let server = start_sshd(dir);

    // A normal session: rate, type notes, quit.
    new_record(dir, "a.toml");
    let tmux = interview_over_ssh(&server, dir, "a.toml");
    tmux.wait_for("1 of 25");
    tmux.keys(&["f"], " 7.2.a  F");
    tmux.keys(&["Enter"], "2 of 25");
    tmux.keys(&["p"], " 7.2.b  P");
    tmux.keys(&["t"], "Esc when done");
    tmux.text("typed over ssh");
    tmux.keys(&["Escape"], "Notes (t to edit)");
    tmux.keys(&["?"], "Keys");
    tmux.keys(&["Escape"], "2 of 25");
    tmux.run(&["send-keys", "q"]);
    let r = wait_saved(&dir.join("a.toml"), |r| {
        r.answer("7.2.b")
            .is_some_and(|a| a.notes == "typed over ssh")
    });
    assert_eq!(r.answer("7.2.a").unwrap().rating, Some(Judgement::F));
    assert_eq!(r.answer("7.2.b").unwrap().rating, Some(Judgement::P));
    drop(tmux);

    // The connection drops mid-edit: the local ssh client dies.
    new_record(dir, "b.toml");
    let tmux = interview_over_ssh(&server, dir, "b.toml");
    tmux.wait_for("1 of 25");
    tmux.keys(&["l"], " 7.2.a  L");
    tmux.keys(&["t"], "Esc when done");
    tmux.text("half a sentence when the line");
    let bin = env!("CARGO_BIN_EXE_vse-assess");
    let remote: Vec<u32> = pids_running("interview b.toml")
        .into_iter()
        .filter(|p| cmdline(*p).starts_with(bin))
        .collect();
    assert_eq!(remote.len(), 1, "the remote vse-assess is running");
    let clients: Vec<u32> = pids_running("interview b.toml")
        .into_iter()
        .filter(|p| cmdline(*p).starts_with("ssh "))
        .collect();
    assert_eq!(clients.len(), 1, "one local ssh client");
    let _ = Command::new("kill")
        .args(["-9", &clients[0].to_string()])
        .status();
    let start = Instant::now();
    while remote.iter().any(|p| is_alive(*p)) {
        assert!(
            start.elapsed() < Duration::from_secs(5),
            "the remote interview lingers after the connection dropped"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // Generous: the rest of the suite runs alongside.
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "took {:?}",
        start.elapsed()
    );
    let r = common::record(&dir.join("b.toml"));
    assert_eq!(r.answer("7.2.a").unwrap().rating, Some(Judgement::L));
    assert_eq!(
        r.answer("7.2.a").unwrap().notes,
        "half a sentence when the line"
    );
}

fn cmdline(pid: u32) -> String {
    std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .unwrap_or_default()
}

fn is_alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z"))
}

fn wait_saved(
    path: &Path,
    done: impl Fn(&vse_assess::record::Record) -> bool,
) -> vse_assess::record::Record {
    let start = Instant::now();
    loop {
        if let Ok(o) = store::open(path, &Access::Unrestricted, common::today())
            && done(&o.record)
        {
            return o.record;
        }
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{} never held the answers",
            path.display()
        );
        std::thread::sleep(Duration::from_millis(30));
    }
}

/// The README's recipe for an account that only hosts interviews: `ForceCommand` with
/// `--restricted`, no forwarding. Whatever command the client asks for, the interview of that
/// one record runs; forwarding is refused; inside, there is no way to a shell, evidence
/// outside the record's folder is not read, and nothing but the record and its lock is
/// written.
#[test]
fn a_restricted_account_runs_the_interview_and_nothing_else() {
    if !common::tools(
        &[SSHD, "ssh", "ssh-keygen", "tmux"],
        "apt-get install openssh-server openssh-client tmux",
    ) {
        return;
    }
    let tmp = TempDir::new().unwrap();
    let dir = tmp.path();
    let rec = dir.join("rec");
    std::fs::create_dir_all(rec.join("docs")).unwrap();
    new_record(&rec, "a.toml");
    std::fs::write(rec.join("docs/in.txt"), "inside\n").unwrap();
    std::fs::write(dir.join("outside.txt"), "secret\n").unwrap();
    let bin = env!("CARGO_BIN_EXE_vse-assess");
    let recipe = format!(
        "Match User {user}\n    ForceCommand {bin} interview --restricted {rec}/a.toml\n    AllowTcpForwarding no\n    AllowStreamLocalForwarding no\n    AllowAgentForwarding no\n    X11Forwarding no\n    PermitTunnel no\n    PermitUserRC no\n",
        user = current_user(),
        rec = rec.display()
    );
    let server = start_sshd_with(dir, &recipe);
    let ssh = |extra: &[&str]| {
        let mut cmd = Command::new("ssh");
        cmd.args(["-p", &server.port.to_string(), "-i"])
            .arg(&server.key)
            .args([
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "LogLevel=ERROR",
                "-o",
                "BatchMode=yes",
            ])
            .args(extra)
            .stdin(Stdio::null());
        cmd
    };
    let target = format!("{}@127.0.0.1", server.user);

    // A command of the client's choosing: the interview runs instead (line by line, as there
    // is no terminal), and the command does not.
    let pwned = dir.join("pwned");
    let out = ssh(&[&target, &format!("touch {}", pwned.display())])
        .output()
        .unwrap();
    assert!(!pwned.exists(), "the client's command ran");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Requirement 1 of 25"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // Forwarding a port through the account is refused.
    let out = ssh(&["-W", &format!("127.0.0.1:{}", server.port), &target])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(!String::from_utf8_lossy(&out.stdout).contains("SSH-2.0"));

    // Inside the interview.
    let command = format!(
        "ssh -t -p {} -i '{}' -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR {target} sh",
        server.port,
        server.key.display()
    );
    let before: Vec<String> = files_in(&rec);
    let tmux = Tmux::start(dir.join("tmux.sock"), &command);
    tmux.wait_for("1 of 25");
    tmux.keys(&["C-z"], "cannot suspend: this interview is restricted");
    tmux.keys(&["f"], " 7.2.a  F");
    tmux.keys(&["v"], "Evidence register");
    for (id, location) in [
        ("IN", "docs/in.txt"),
        ("OUT", "../outside.txt"),
        ("ABS", &dir.join("outside.txt").display().to_string()),
    ] {
        tmux.keys(&["a"], "New evidence");
        tmux.text(id);
        tmux.keys(&["Enter"], "Title");
        tmux.text("an item");
        tmux.keys(&["Enter", "Enter"], "Location");
        tmux.text(location);
        tmux.keys(&["Enter", "Enter", "Enter"], id);
    }
    tmux.run(&["send-keys", "q"]);
    let r = wait_saved(&rec.join("a.toml"), |r| r.evidence.len() == 3);
    let sha = |id: &str| r.evidence_item(id).unwrap().sha256.clone();
    assert!(
        sha("IN").is_some(),
        "a file in the record's folder is hashed"
    );
    assert_eq!(sha("OUT"), None, "a file outside is not read");
    assert_eq!(sha("ABS"), None, "a file outside is not read");
    // Kept as typed: whether a file exists outside is not even looked at.
    assert_eq!(r.evidence_item("OUT").unwrap().location, "../outside.txt");
    assert_eq!(r.answer("7.2.a").unwrap().rating, Some(Judgement::F));
    drop(tmux);
    // The last save may still be removing the old record's name when its new text shows, and
    // the interview letting go of its lock (which removes the lock file) as it exits.
    let start = std::time::Instant::now();
    let mut after = files_in(&rec);
    while after
        .iter()
        .any(|f| f.ends_with(".tmp") || f.ends_with(".lock"))
        && start.elapsed().as_secs() < 5
    {
        std::thread::sleep(std::time::Duration::from_millis(20));
        after = files_in(&rec);
    }
    after.retain(|f| !before.contains(f));
    assert!(after.is_empty(), "written besides the record: {after:?}");
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
