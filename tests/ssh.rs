//! The interview over a real OpenSSH connection on 127.0.0.1, as an auditor runs it
//! (`ssh -t host vse-assess interview ...`), driven in tmux; then the connection dropped
//! mid-edit.
//!
//! Needs sshd, ssh, ssh-keygen and tmux (see `common::tools`).

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{Tmux, new_record};
use tempfile::TempDir;
use vse_assess::rating::Judgement;
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
         PermitRootLogin prohibit-password\nPrintMotd no\nPrintLastLog no\nLogLevel ERROR\n",
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
    let user = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout)
        .unwrap()
        .trim()
        .to_owned();
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
    let r = store::open(&dir.join("b.toml")).unwrap().record;
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
        if let Ok(o) = store::open(path)
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
