//! LDAP sign-in against a real OpenLDAP `slapd` started here (Debian's `slapd` package, installed
//! by scripts/test.sh): plain and TLS with a test CA, escaped filters, a directory that goes down.

use crate::accounts::api;
use crate::passwords::{login, public};
use crate::{Server, server};
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BASE: &str = "dc=example,dc=com";
const ADMIN_DN: &str = "cn=admin,dc=example,dc=com";
const ADMIN_PASSWORD: &str = "lookup-secret";

/// A throwaway `slapd` with two people, listening on ldap:// and ldaps:// on free ports.
struct Slapd {
    child: Child,
    port: u16,
    tls_port: u16,
    ca: PathBuf,
    dir: tempfile::TempDir,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn run(command: &mut Command) {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?}: {e} (scripts/test.sh installs slapd)"));
    assert!(output.status.success(), "{command:?}: {}", String::from_utf8_lossy(&output.stderr));
}

/// A CA and a certificate for 127.0.0.1 signed by it (and, for the refusal, another CA).
fn certificates(dir: &Path) {
    let openssl = |args: &[&str]| run(Command::new("openssl").args(args).current_dir(dir));
    for ca in ["ca", "other-ca"] {
        openssl(&[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &format!("{ca}.key"),
            "-out",
            &format!("{ca}.pem"),
            "-days",
            "2",
            "-subj",
            "/CN=Tessera test CA",
        ]);
    }
    openssl(&[
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-keyout",
        "server.key",
        "-out",
        "server.csr",
        "-subj",
        "/CN=127.0.0.1",
    ]);
    std::fs::write(dir.join("san.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n").unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "2",
        "-extfile",
        "san.ext",
    ]);
}

impl Slapd {
    fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        certificates(root);
        std::fs::create_dir(root.join("db")).unwrap();
        let conf = format!(
            "include /etc/ldap/schema/core.schema\ninclude /etc/ldap/schema/cosine.schema\n\
             include /etc/ldap/schema/inetorgperson.schema\nmodulepath /usr/lib/ldap\nmoduleload back_mdb\n\
             pidfile {r}/slapd.pid\nTLSCACertificateFile {r}/ca.pem\nTLSCertificateFile {r}/server.pem\n\
             TLSCertificateKeyFile {r}/server.key\ndatabase mdb\nsuffix \"{BASE}\"\nrootdn \"{ADMIN_DN}\"\n\
             rootpw {ADMIN_PASSWORD}\ndirectory {r}/db\n\
             access to attrs=userPassword by anonymous auth by self write by * none\naccess to * by * read\n",
            r = root.display()
        );
        std::fs::write(root.join("slapd.conf"), conf).unwrap();
        let person = |uid: &str, mail: &str, password: &str| {
            format!(
                "dn: uid={uid},ou=people,{BASE}\nobjectClass: inetOrgPerson\nuid: {uid}\ncn: {uid}\nsn: {uid}\n\
                 mail: {mail}\nuserPassword: {password}\n\n"
            )
        };
        let group = |cn: &str, member: &str| {
            format!(
                "dn: cn={cn},ou=groups,{BASE}\nobjectClass: groupOfNames\ncn: {cn}\nmember: uid={member},ou=people,{BASE}\n\n"
            )
        };
        let ldif = format!(
            "dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: Example\n\n\
             dn: ou=people,{BASE}\nobjectClass: organizationalUnit\nou: people\n\n{}{}\
             dn: ou=groups,{BASE}\nobjectClass: organizationalUnit\nou: groups\n\n{}{}",
            person("alice", "alice@example.com", "Alice-Dir-1"),
            person("bob", "bob@example.com", "Bob-Dir-1"),
            group("stewards", "alice"),
            group("admins", "bob"),
        );
        std::fs::write(root.join("people.ldif"), ldif).unwrap();
        run(Command::new("/usr/sbin/slapadd").args(["-f", "slapd.conf", "-l", "people.ldif"]).current_dir(root));
        let (port, tls_port) = (free_port(), free_port());
        let child = Command::new("/usr/sbin/slapd")
            .args([
                "-f",
                "slapd.conf",
                "-h",
                &format!("ldap://127.0.0.1:{port}/ ldaps://127.0.0.1:{tls_port}/"),
                "-d",
                "0",
            ])
            .current_dir(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("slapd starts (scripts/test.sh installs it)");
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", tls_port)).is_err() {
            assert!(Instant::now() < deadline, "slapd did not listen on {tls_port}");
            std::thread::sleep(Duration::from_millis(50));
        }
        let ca = root.join("ca.pem");
        Self { child, port, tls_port, ca, dir }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Slapd {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn ldap_server(slapd: &Slapd, extra: &[(&str, &str)]) -> Server {
    let port = slapd.port.to_string();
    let mut vars = vec![
        ("AUTHENTICATION_PROVIDER", "ldap"),
        ("AUTHENTICATION_LDAP_HOST", "127.0.0.1"),
        ("AUTHENTICATION_LDAP_PORT", port.as_str()),
        ("AUTHENTICATION_LOOKUP_ADMIN_DN", ADMIN_DN),
        ("AUTHENTICATION_LOOKUP_ADMIN_PWD", ADMIN_PASSWORD),
        ("AUTHENTICATION_USER_LOOKUP_BASEDN", "ou=people,dc=example,dc=com"),
    ];
    vars.extend_from_slice(extra);
    server(&vars).await
}

async fn refresh(s: &Server, token: &Value) -> StatusCode {
    public(s, "POST", "/api/v1/users/refresh", json!({"refreshToken": token})).await.0
}

#[tokio::test]
async fn directory_users_sign_in_and_nobody_else() {
    let slapd = Slapd::start();
    let s = ldap_server(&slapd, &[]).await;
    let (status, body) = login(&s, "Alice@Example.com", "Alice-Dir-1").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = body["accessToken"].as_str().unwrap();
    let (status, me) = api(&s, "GET", "/api/v1/users/loggedInUser", token, None).await;
    assert_eq!(
        (status, me["name"].as_str(), me["email"].as_str()),
        (StatusCode::OK, Some("alice"), Some("alice@example.com"))
    );
    // The lookup connection is pooled: a second sign-in reuses it.
    let (status, bob) = login(&s, "bob@example.com", "Bob-Dir-1").await;
    assert_eq!(status, StatusCode::OK, "{bob}");
    // A refresh asks the directory whether the person is still there.
    assert_eq!(refresh(&s, &body["refreshToken"]).await, StatusCode::OK);
    run(Command::new("ldapdelete").args([
        "-x",
        "-H",
        &format!("ldap://127.0.0.1:{}", slapd.port),
        "-D",
        ADMIN_DN,
        "-w",
        ADMIN_PASSWORD,
        "uid=bob,ou=people,dc=example,dc=com",
    ]));
    assert_eq!(refresh(&s, &bob["refreshToken"]).await, StatusCode::UNAUTHORIZED, "bob left the directory");

    for (email, password) in [
        ("alice@example.com", "Bob-Dir-1"),
        ("nobody@example.com", "Alice-Dir-1"),
        // Filter metacharacters never match someone else.
        ("*", "Alice-Dir-1"),
        ("a*@example.com", "Alice-Dir-1"),
        ("alice@example.com)(mail=*", "Alice-Dir-1"),
        ("*)(uid=alice", "Alice-Dir-1"),
    ] {
        let (status, body) = login(&s, email, password).await;
        assert_eq!(
            (status, body["reason"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("invalid_credentials")),
            "{email}: {body}"
        );
    }
    // An empty password is refused before the directory is asked (it would bind anonymously).
    let (status, body) = login(&s, "alice@example.com", "").await;
    assert_eq!((status, body["reason"].as_str()), (StatusCode::BAD_REQUEST, Some("password_missing")));
    // Passwords live in the directory: no sign-up, no change of password here.
    let (status, body) = api(
        &s,
        "PUT",
        "/api/v1/users/changePassword",
        token,
        Some(json!({"oldPassword": "Alice-Dir-1", "newPassword": "Alice-Dir-2!", "confirmPassword": "Alice-Dir-2!"})),
    )
    .await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (StatusCode::FORBIDDEN, Some("authenticator_operation_not_supported"))
    );
}

#[tokio::test]
async fn tls_with_the_directorys_ca_only_and_a_clear_503_when_it_is_down() {
    let mut slapd = Slapd::start();
    let tls_port = slapd.tls_port.to_string();
    let ca = slapd.ca.display().to_string();
    let tls = [
        ("AUTHENTICATION_LDAP_PORT", tls_port.as_str()),
        ("AUTHENTICATION_LDAP_SSL_ENABLED", "true"),
        ("AUTHENTICATION_LDAP_TRUSTSTORE_TYPE", "CustomTrustStore"),
        ("AUTHENTICATION_LDAP_TRUSTSTORE_PATH", ca.as_str()),
    ];
    let s = ldap_server(&slapd, &tls).await;
    let (status, body) = login(&s, "alice@example.com", "Alice-Dir-1").await;
    assert_eq!(status, StatusCode::OK, "over ldaps: {body}");

    // A certificate from a CA we were not told to trust: no sign-in, and the answer says why.
    let other = slapd.dir.path().join("other-ca.pem").display().to_string();
    let mut untrusted = tls.to_vec();
    untrusted[3] = ("AUTHENTICATION_LDAP_TRUSTSTORE_PATH", other.as_str());
    let wrong = ldap_server(&slapd, &untrusted).await;
    let (status, body) = login(&wrong, "alice@example.com", "Alice-Dir-1").await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("directory_unavailable")),
        "{body}"
    );
    assert!(body["message"].as_str().unwrap().contains("certificate"), "{body}");

    // The directory goes down: 503 naming it, never a hang or a 500.
    slapd.stop();
    let (status, body) = login(&s, "alice@example.com", "Alice-Dir-1").await;
    assert_eq!(
        (status, body["reason"].as_str()),
        (StatusCode::SERVICE_UNAVAILABLE, Some("directory_unavailable")),
        "{body}"
    );
    assert!(body["message"].as_str().unwrap().contains(&format!("ldaps://127.0.0.1:{tls_port}")), "{body}");
}

/// A server with roles from groups: stewards → DataSteward; admins → Admin (the admin flag),
/// DataConsumer and a role that does not exist.
async fn groups_server(slapd: &Slapd, reassign: &str, extra: &[(&str, &str)]) -> Server {
    let mapping = json!({
        "cn=stewards,ou=groups,dc=example,dc=com": ["DataSteward"],
        "cn=admins,ou=groups,dc=example,dc=com": ["Admin", "DataConsumer", "NoSuchRole"],
    })
    .to_string();
    let mut vars = vec![
        ("AUTHENTICATION_GROUP_LOOKUP_BASEDN", "ou=groups,dc=example,dc=com"),
        ("AUTHENTICATION_USER_GROUP_ATTR", "objectClass"),
        ("AUTHENTICATION_USER_GROUP_ATTR_VALUE", "groupOfNames"),
        ("AUTHENTICATION_USER_GROUP_MEMBER_ATTR", "member"),
        ("AUTHENTICATION_USER_ROLE_ADMIN_NAME", "Admin"),
        ("AUTH_ROLES_MAPPING", mapping.as_str()),
        ("AUTH_REASSIGN_ROLES", reassign),
    ];
    vars.extend_from_slice(extra);
    ldap_server(slapd, &vars).await
}

/// Signs in and answers (isAdmin, role names, access token).
async fn sign_in_roles(s: &Server, email: &str, password: &str) -> (bool, Vec<String>, String) {
    let (status, body) = login(s, email, password).await;
    assert_eq!(status, StatusCode::OK, "{email}: {body}");
    let token = body["accessToken"].as_str().unwrap().to_string();
    let (status, me) = api(s, "GET", "/api/v1/users/loggedInUser?fields=roles", &token, None).await;
    assert_eq!(status, StatusCode::OK);
    let names = me["roles"].as_array().unwrap().iter().filter_map(|r| r["name"].as_str()).map(String::from).collect();
    (me["isAdmin"].as_bool().unwrap(), names, token)
}

#[tokio::test]
async fn directory_groups_become_roles_and_the_admin_flag() {
    let slapd = Slapd::start();
    let s = groups_server(&slapd, "[*]", &[]).await;
    let (admin, roles, _) = sign_in_roles(&s, "alice@example.com", "Alice-Dir-1").await;
    assert_eq!((admin, roles), (false, vec!["DataSteward".to_string()]));
    let (admin, roles, _) = sign_in_roles(&s, "bob@example.com", "Bob-Dir-1").await;
    assert_eq!((admin, roles), (true, vec!["DataConsumer".to_string()]));
}

/// `AUTH_REASSIGN_ROLES` lists the roles the directory decides: a role an admin gave stays, a
/// mapped role outside the list is not given, the admin flag only follows a listed admin role;
/// empty (the original's default) gives no role at all.
#[tokio::test]
async fn only_the_listed_roles_are_reassigned() {
    let slapd = Slapd::start();
    let s = groups_server(&slapd, "[DataSteward]", &[]).await;
    let (admin, roles, _) = sign_in_roles(&s, "bob@example.com", "Bob-Dir-1").await;
    assert_eq!((admin, roles), (false, vec![]), "DataConsumer and Admin are not the directory's to give");
    let (admin, roles, _) = sign_in_roles(&s, "alice@example.com", "Alice-Dir-1").await;
    assert_eq!((admin, roles), (false, vec!["DataSteward".to_string()]));
    // Alice's roles become DataConsumer only (as an admin's PUT /api/v1/users would set them);
    // her next sign-in keeps it (not listed) and gives back DataSteward (listed and mapped).
    let alice = s.state.accounts.user_by_name("alice").await.unwrap();
    s.state.access.set_membership(&alice.id, &["DataConsumer".to_string()], &[]).await.unwrap();
    let (_, roles, _) = sign_in_roles(&s, "alice@example.com", "Alice-Dir-1").await;
    assert_eq!(roles, vec!["DataConsumer".to_string(), "DataSteward".to_string()]);

    let empty = groups_server(&slapd, "[]", &[]).await;
    let (admin, roles, _) = sign_in_roles(&empty, "bob@example.com", "Bob-Dir-1").await;
    assert_eq!((admin, roles), (false, vec![]));
}
