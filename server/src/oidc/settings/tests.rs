use super::*;

#[test]
fn a_staff_provider_has_the_swedish_defaults() {
    let settings: ProviderSettings =
        r#"id=siths label="Logga in med SITHS-kort" issuer=https://idp.example client-id=samplan"#
            .parse()
            .expect("settings");
    assert_eq!(settings.label, "Logga in med SITHS-kort");
    assert_eq!(settings.kind, ProviderKind::Staff);
    assert_eq!(settings.id_claim, "employeeHsaId");
    assert_eq!(settings.organisation_claims, ["healthCareProviderHsaId", "commissionHsaId"]);
    assert_eq!(settings.scopes, ["profile"]);
    assert_eq!(settings.unknown_users, UnknownUsers::Refuse);
    assert_eq!(settings.client_secret, None);
}

#[test]
fn every_setting_can_be_given() {
    let settings: ProviderSettings = "id=bankid kind=citizen issuer=https://e client-id=c client-secret=s \
         scopes=openid,profile,https://id.oidc.se/scope/naturalPersonNumber id-claim=sub \
         organisation-claims=org name-claim=given_name trusted-organisations=A,B unknown-users=create"
        .parse()
        .expect("settings");
    assert_eq!(settings.kind, ProviderKind::Citizen);
    assert_eq!(settings.scopes, ["profile", "https://id.oidc.se/scope/naturalPersonNumber"]);
    assert_eq!(settings.id_claim, "sub");
    assert_eq!(settings.trusted_organisations, ["A", "B"]);
    assert_eq!(settings.unknown_users, UnknownUsers::Create);
    assert_eq!(settings.client_secret.as_deref(), Some("s"));
}

#[test]
fn mistakes_are_named() {
    let check = |text: &str, expected: SettingsError| {
        assert_eq!(text.parse::<ProviderSettings>(), Err(expected), "{text}");
    };
    check("id=x issuer=i", SettingsError::Missing("client-id="));
    check("issuer=i client-id=c", SettingsError::Missing("id="));
    check("id=x colour=red", SettingsError::UnknownKey("colour".into()));
    check("id=x issuer", SettingsError::NotAPair("issuer".into()));
    check(
        "id=a/b issuer=i client-id=c",
        SettingsError::BadValue {
            key: "id", value: "a/b".into(), allowed: "bokstäver a–z, siffror och -"
        },
    );
}
