use super::*;

/// `value` as JSON, and read back equal.
fn check<T>(value: &T, expected: &str)
where
    T: Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json = serde_json::to_string(value).expect("json");
    assert_eq!(json, expected);
    assert_eq!(&serde_json::from_str::<T>(&json).expect("read back"), value);
}

#[test]
fn answers_keep_their_json() {
    check(
        &Redeemed { document_id: "automerge:abc".into(), role: Role::Person },
        r#"{"document_id":"automerge:abc","role":"person"}"#,
    );
    check(
        &PlanAccess { name: "Eva".into(), role: Role::Coordinator, participant: "a1".into() },
        r#"{"name":"Eva","role":"coordinator","participant":"a1"}"#,
    );
    check(
        &Me { kind: PrincipalKind::Device, name: "Mobil".into(), from_provider: false },
        r#"{"kind":"device","name":"Mobil"}"#,
    );
    check(
        &Me { kind: PrincipalKind::Device, name: "Mobil".into(), from_provider: true },
        r#"{"kind":"device","name":"Mobil","from_provider":true}"#,
    );
    check(&SignedIn { name: "Eva".into() }, r#"{"name":"Eva"}"#);
    check(&Invited { link: "http://x/inbjudan#t".into() }, r#"{"link":"http://x/inbjudan#t"}"#);
    check(&Actor { actor: "ab12".into(), name: "Eva".into() }, r#"{"actor":"ab12","name":"Eva"}"#);
    check(&ErrorBody { error: "Nej.".into() }, r#"{"error":"Nej."}"#);
    check(
        &Invitation {
            id: 3,
            role: Role::Reader,
            label: "Erik".into(),
            expires_at: 10,
            single_use: true,
            uses: 0,
            usable: true,
        },
        r#"{"id":3,"role":"reader","label":"Erik","expires_at":10,"single_use":true,"uses":0,"usable":true}"#,
    );
    check(
        &Member {
            principal: "device:1".into(),
            name: "Erik".into(),
            role: Role::Editor,
            active_sessions: 1,
            reports_for_person: false,
            devices: vec![Device { session: 7, description: String::new(), since: 5, blocked: false }],
        },
        concat!(
            r#"{"principal":"device:1","name":"Erik","role":"editor","active_sessions":1,"#,
            r#""reports_for_person":false,"devices":[{"session":7,"description":"","since":5,"blocked":false}]}"#
        ),
    );
}

#[test]
fn requests_keep_their_json() {
    check(&TokenRequest { token: "t".into() }, r#"{"token":"t"}"#);
    check(&ReporterRequest { allowed: true }, r#"{"allowed":true}"#);
    check(&SelfReportsRequest { document_id: "d".into() }, r#"{"document_id":"d"}"#);
    check(
        &InviteRequest {
            role: Some(Role::Editor),
            label: "Eva".into(),
            days: Some(3),
            single_use: Some(false),
            participant: Some("a1".into()),
        },
        r#"{"role":"editor","label":"Eva","days":3,"single_use":false,"participant":"a1"}"#,
    );
    check(
        &InviteRequest {
            role: Some(Role::Reader),
            label: "Eva".into(),
            days: None,
            single_use: None,
            participant: None,
        },
        r#"{"role":"reader","label":"Eva"}"#,
    );
}

#[test]
fn an_invitation_for_an_unknown_role_is_read_so_that_it_can_be_refused_in_words() {
    let read: InviteRequest = serde_json::from_str(r#"{"role":"admin","label":"Eva"}"#).expect("read");
    assert_eq!(read.role, None);
    assert!(serde_json::from_str::<InviteRequest>(r#"{"label":"Eva"}"#).is_err(), "a role must be named");
    assert!(serde_json::from_str::<InviteRequest>(r#"{"role":1,"label":"Eva"}"#).is_err());
}

#[test]
fn principal_kinds_read_back_from_their_names() {
    for kind in [PrincipalKind::User, PrincipalKind::Device] {
        assert_eq!(PrincipalKind::parse(kind.as_str()), Some(kind));
    }
    assert_eq!(PrincipalKind::parse("admin"), None);
}
