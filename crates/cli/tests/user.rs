//! `vaxride user add`: the first admin of a fresh install, with a password from standard input
//! or a one-time password printed once; wrong input is refused with a clear message and writes
//! nothing.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn user_add(db: &str, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_vaxride"))
        .args(["user", "add", "--database-url", db])
        .args(args)
        .env_remove("DATABASE_URL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the vaxride binary runs");
    // The command may refuse its arguments before it reads standard input.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn user_add_makes_the_first_admin() {
    let dir = std::env::temp_dir().join(format!("vaxride-cli-user-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = format!("sqlite://{}", dir.join("v.db").display());

    let out = user_add(
        &db,
        &["--role", "admin", "--username", "boss"],
        "a long password 1\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("admin boss"),
        "{}",
        text(&out.stdout)
    );
    assert!(!text(&out.stdout).contains("a long password"));

    let out = user_add(
        &db,
        &[
            "--role",
            "admin",
            "--username",
            "first",
            "--one-time-password",
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let said = text(&out.stdout);
    let password = said
        .split("shown this once: ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap_or_else(|| panic!("{said}"));
    assert_eq!(password.len(), 12);

    for (args, stdin, words) in [
        (
            vec!["--role", "admin", "--username", "boss"],
            "another long one\n",
            "taken",
        ),
        (
            vec!["--role", "admin", "--username", "x"],
            "a long password 1\n",
            "--username",
        ),
        (
            vec!["--role", "admin", "--username", "shorty"],
            "short\n",
            "10 to 200",
        ),
        (
            vec!["--role", "secretary", "--username", "sec"],
            "a long password 1\n",
            "--role",
        ),
        (
            vec!["--role", "coordinator", "--username", "coord1"],
            "a long password 1\n",
            "--district",
        ),
        (
            vec![
                "--role",
                "coordinator",
                "--username",
                "coord1",
                "--district",
                "7",
            ],
            "a long password 1\n",
            "no district 7",
        ),
        (vec!["--role", "chef", "--username", "coord1"], "", "--role"),
    ] {
        let out = user_add(&db, &args, stdin);
        assert!(!out.status.success(), "{args:?}");
        assert!(
            text(&out.stderr).contains(words),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }

    // The users are in the database as made: the piped password works at once, the one-time
    // one must be replaced first.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let store = vaxride_store::Store::open(&db).await.unwrap();
        let (boss, _) = store.user_for_login("boss").await.unwrap().unwrap();
        assert!(!boss.must_change_password);
        let (first, _) = store.user_for_login("first").await.unwrap().unwrap();
        assert!(first.must_change_password);
        assert!(store.user_for_login("coord1").await.unwrap().is_none());
        store.close().await;
    });
    let _ = std::fs::remove_dir_all(&dir);
}
