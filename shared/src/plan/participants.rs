//! Who takes part: the person, relatives, representatives, professionals.

use autosurgeon::{Hydrate, Reconcile};

/// How someone takes part in the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Reconcile, Hydrate)]
pub enum ParticipantKind {
    /// Den enskilde.
    Person,
    /// Närstående.
    Relative,
    /// Vårdnadshavare: a child's guardian, who consents and takes part
    /// (seed 004).
    Guardian,
    /// God man, förvaltare or another legal representative.
    LegalRepresentative,
    /// Stödperson.
    SupportPerson,
    /// Tolk.
    Interpreter,
    /// Personal från kommun, region or another organisation.
    #[default]
    Professional,
}

impl ParticipantKind {
    /// Every kind, in the order a form lists them.
    pub const ALL: [ParticipantKind; 7] = [
        ParticipantKind::Person,
        ParticipantKind::Guardian,
        ParticipantKind::Relative,
        ParticipantKind::LegalRepresentative,
        ParticipantKind::SupportPerson,
        ParticipantKind::Interpreter,
        ParticipantKind::Professional,
    ];

    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            ParticipantKind::Person => "Den enskilde",
            ParticipantKind::Relative => "Närstående",
            ParticipantKind::Guardian => "Vårdnadshavare",
            ParticipantKind::LegalRepresentative => "Företrädare (t.ex. god man)",
            ParticipantKind::SupportPerson => "Stödperson",
            ParticipantKind::Interpreter => "Tolk",
            ParticipantKind::Professional => "Personal",
        }
    }
}

/// The kind of organisation a professional comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Reconcile, Hydrate)]
pub enum OrganisationKind {
    /// Kommun (social services, home care, school of the municipality).
    Kommun,
    /// Region (health care, psychiatry).
    Region,
    /// Skola.
    School,
    /// Försäkringskassan.
    Forsakringskassan,
    /// Arbetsförmedlingen.
    Arbetsformedlingen,
    /// Another actor (police, voluntary organisation …).
    #[default]
    Other,
}

impl OrganisationKind {
    /// Every organisation kind, in the order a form lists them.
    pub const ALL: [OrganisationKind; 6] = [
        OrganisationKind::Kommun,
        OrganisationKind::Region,
        OrganisationKind::School,
        OrganisationKind::Forsakringskassan,
        OrganisationKind::Arbetsformedlingen,
        OrganisationKind::Other,
    ];

    /// Swedish label.
    pub fn label(self) -> &'static str {
        match self {
            OrganisationKind::Kommun => "Kommun",
            OrganisationKind::Region => "Region",
            OrganisationKind::School => "Skola",
            OrganisationKind::Forsakringskassan => "Försäkringskassan",
            OrganisationKind::Arbetsformedlingen => "Arbetsförmedlingen",
            OrganisationKind::Other => "Annan",
        }
    }
}

/// One participant.
#[derive(Debug, Clone, PartialEq, Default, Reconcile, Hydrate)]
pub struct Participant {
    /// Namn.
    pub name: String,
    /// Roll i planen.
    #[autosurgeon(missing = "Default::default")]
    pub kind: ParticipantKind,
    /// Organisation (for professionals).
    #[autosurgeon(missing = "Default::default")]
    pub organisation: OrganisationKind,
    /// Enhet or the organisation's name ("Hemtjänsten Norr", "Vårdcentralen Ersboda").
    #[autosurgeon(missing = "Default::default")]
    pub unit: String,
    /// Yrke or role ("Biståndshandläggare", "Distriktssköterska", "Mamma").
    #[autosurgeon(missing = "Default::default")]
    pub role: String,
    /// Telefon.
    #[autosurgeon(missing = "Default::default")]
    pub phone: String,
    /// E-post.
    #[autosurgeon(missing = "Default::default")]
    pub email: String,
    /// Order in lists (fractional index; ties broken by id).
    #[autosurgeon(missing = "Default::default")]
    pub position: String,
}

impl Participant {
    /// Whether the participant can be reached (phone or e-mail).
    pub fn has_contact_details(&self) -> bool {
        !self.phone.trim().is_empty() || !self.email.trim().is_empty()
    }
}
