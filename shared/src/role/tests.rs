use super::Role;

#[test]
fn every_role_reads_back_from_its_name_and_its_json() {
    for role in Role::ALL {
        assert_eq!(Role::parse(role.as_str()), Some(role));
        let json = serde_json::to_string(&role).expect("json");
        assert_eq!(json, format!("\"{}\"", role.as_str()));
        assert_eq!(serde_json::from_str::<Role>(&json).expect("role"), role);
    }
    assert_eq!(Role::parse("Coordinator"), None);
    assert!(serde_json::from_str::<Role>("\"admin\"").is_err());
}

#[test]
fn roles_are_ordered_by_privilege() {
    assert!(Role::Reader < Role::Editor && Role::Editor < Role::Person && Role::Person < Role::Coordinator);
    assert!(!Role::Reader.can_edit() && Role::Editor.can_edit());
    assert!(!Role::Coordinator.invitable() && Role::Person.invitable());
}
