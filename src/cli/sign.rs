//! Signing a report with the auditor's SSH key: `ssh-keygen -Y sign`, namespace
//! `vse-assess`. A certification body checks it with `ssh-keygen -Y verify` and a list of
//! the auditors' public keys; no other key infrastructure is needed.

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// The namespace of every signature: a signature made for something else does not verify
/// as a report's.
pub const NAMESPACE: &str = "vse-assess";

/// Where the signature of `report` goes: beside it, with `.sig` added.
pub fn signature_path(report: &Path) -> PathBuf {
    let mut name = OsString::from(report.as_os_str());
    name.push(".sig");
    PathBuf::from(name)
}

/// An OpenSSH signature of `bytes` made with the private key `key` (or the public key of a
/// key held by ssh-agent). ssh-keygen asks for a passphrase on the terminal if it needs one.
pub fn sign(key: &Path, bytes: &[u8]) -> Result<Vec<u8>> {
    let mut child = Command::new("ssh-keygen")
        .args(["-q", "-Y", "sign", "-n", NAMESPACE, "-f"])
        .arg(key)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run ssh-keygen (OpenSSH 8.1 or newer signs reports)")?;
    // Written from a thread: a report larger than the pipe would otherwise block both sides.
    let mut stdin = child.stdin.take().expect("piped");
    let data = bytes.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&data));
    let out = child.wait_with_output().context("ssh-keygen failed")?;
    let written = writer.join().expect("writer thread");
    if !out.status.success() {
        bail!(
            "ssh-keygen could not sign with {}: {}",
            key.display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    written.context("cannot pass the report to ssh-keygen")?;
    if !out.stdout.starts_with(b"-----BEGIN SSH SIGNATURE-----") {
        bail!("ssh-keygen gave no signature for {}", key.display());
    }
    Ok(out.stdout)
}
