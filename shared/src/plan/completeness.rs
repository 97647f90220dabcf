//! The legal minimum of a SIP, as a checklist.
//!
//! HSL 16 kap. 4 § and SoL 2 kap. 7 §: the plan must show the person's
//! goals, the interventions and which principal is responsible for each,
//! measures taken by others, which principal has the overall
//! responsibility, and when follow-up happens; plus a coordinator the
//! person can reach, and (before anything else) the person's consent.
//! Beyond the law, what makes a plan one that can be followed up: every
//! sub-goal with a measure and a date (SMART, seed 004), and the plan as it
//! is now approved by the participants ([`check_with_approval`]).

use super::approvals::ApprovalState;
use super::{ConsentState, Plan, Principal};

/// One item of the legal minimum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Requirement {
    /// The person has consented.
    Consent,
    /// The consent covers every participant: the plan's information may
    /// be shared with each of them (seed 002).
    ConsentCoversParticipants,
    /// At least one goal.
    Goals,
    /// At least one intervention, each with a responsible principal.
    InterventionsWithPrincipal,
    /// Measures by others are listed, or it is recorded that there are none.
    MeasuresByOthers,
    /// Kommun or region has the overall responsibility.
    OverallResponsibility,
    /// A date for the next follow-up.
    FollowUpDate,
    /// A coordinator among the participants, with contact details.
    Coordinator,
    /// Every sub-goal says how it is measured and by when.
    SubGoalsMeasurable,
    /// Someone has approved the plan as it is now (not an earlier version).
    Approved,
}

impl Requirement {
    /// Every requirement, in checklist order.
    /// [`Requirement::Approved`] is not among them: it needs the plan's
    /// earlier versions ([`check_with_approval`]).
    pub const ALL: [Requirement; 9] = [
        Requirement::Consent,
        Requirement::ConsentCoversParticipants,
        Requirement::Goals,
        Requirement::InterventionsWithPrincipal,
        Requirement::MeasuresByOthers,
        Requirement::OverallResponsibility,
        Requirement::FollowUpDate,
        Requirement::Coordinator,
        Requirement::SubGoalsMeasurable,
    ];

    /// The checklist line, in Swedish.
    pub fn label(self) -> &'static str {
        match self {
            Requirement::Consent => "Den enskilde har gett sitt samtycke",
            Requirement::ConsentCoversParticipants => "Samtycket gäller alla som är med i planen",
            Requirement::Goals => "Planen har minst ett mål",
            Requirement::InterventionsWithPrincipal => "Varje insats har en ansvarig huvudman",
            Requirement::MeasuresByOthers => {
                "Det står vilka åtgärder andra aktörer gör (eller att det inte finns några)"
            }
            Requirement::OverallResponsibility => {
                "Det står vilken huvudman som har det övergripande ansvaret"
            }
            Requirement::FollowUpDate => "Det finns ett datum för uppföljning",
            Requirement::Coordinator => "Det finns en samordningsansvarig med kontaktuppgifter",
            Requirement::SubGoalsMeasurable => "Varje delmål har ett mått och ett datum",
            Requirement::Approved => "Planen är godkänd som den ser ut nu",
        }
    }
}

/// The outcome of one requirement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Check {
    /// Which requirement.
    pub requirement: Requirement,
    /// Whether the plan meets it.
    pub met: bool,
    /// What is missing, in Swedish, when not met.
    pub detail: Option<String>,
}

/// Every requirement with whether the plan meets it.
pub fn check(plan: &Plan) -> Vec<Check> {
    Requirement::ALL.iter().map(|&r| check_one(plan, r)).collect()
}

/// Only the requirements the plan does not meet yet.
pub fn missing(plan: &Plan) -> Vec<Requirement> {
    check(plan).into_iter().filter(|c| !c.met).map(|c| c.requirement).collect()
}

/// Every requirement, and last whether the plan as it is now is approved
/// (`approval`: see [`super::approvals::approval_state`]).
pub fn check_with_approval(plan: &Plan, approval: ApprovalState) -> Vec<Check> {
    let mut checks = check(plan);
    let detail = match approval {
        ApprovalState::Current => None,
        ApprovalState::ChangedAfter => {
            Some("Planen har ändrats efter att den godkändes. Be deltagarna godkänna den igen.".into())
        }
        ApprovalState::NoneYet => Some("Ingen har godkänt planen än.".into()),
    };
    checks.push(Check { requirement: Requirement::Approved, met: detail.is_none(), detail });
    checks
}

/// The sub-goals that lack a measure or a date, as "goal number.sub-goal number: text".
fn sub_goals_without_measure_or_date(plan: &Plan) -> Vec<String> {
    let mut lacking = Vec::new();
    for (goal_number, (_, goal)) in plan.ordered_goals().into_iter().enumerate() {
        let sub_goals = Plan::ordered(&goal.sub_goals, |s| &s.position);
        for (sub_number, (_, sub_goal)) in sub_goals.into_iter().enumerate() {
            let has_measure = !sub_goal.measure.as_str().trim().is_empty();
            let has_date = sub_goal.target_date.as_deref().is_some_and(crate::plan::validate::is_valid_date);
            if !(has_measure && has_date) {
                let text = sub_goal.text.as_str().trim();
                let what = match (has_measure, has_date) {
                    (false, false) => "mått och datum",
                    (false, true) => "mått",
                    _ => "datum",
                };
                lacking.push(format!("Delmål {}.{} ({text}) saknar {what}", goal_number + 1, sub_number + 1));
            }
        }
    }
    lacking
}

fn check_one(plan: &Plan, requirement: Requirement) -> Check {
    let (met, detail) = match requirement {
        Requirement::Consent => match plan.consent_state() {
            ConsentState::Given => (true, None),
            ConsentState::NotRecorded => match plan.guardians_awaited() {
                awaited if awaited.is_empty() || plan.consent.is_empty() => {
                    (false, Some("Inget samtycke är antecknat.".into()))
                }
                awaited => {
                    let names: Vec<String> = awaited.into_iter().map(|(_, name)| name).collect();
                    (false, Some(format!("Samtycke saknas från vårdnadshavare: {}.", names.join(", "))))
                }
            },
            ConsentState::Refused => (false, Some("Samtycke är nekat.".into())),
            ConsentState::Withdrawn => (false, Some("Samtycket är återkallat.".into())),
        },
        Requirement::ConsentCoversParticipants => match plan.participants_outside_consent() {
            outside if outside.is_empty() => (true, None),
            outside => {
                let names: Vec<String> = outside.into_iter().map(|(_, name)| name).collect();
                (
                    false,
                    Some(format!(
                        "Samtycket gäller inte {}. Fråga personen om de får ta del av planen, och anteckna samtycket igen.",
                        names.join(", ")
                    )),
                )
            }
        },
        Requirement::Goals => {
            let any = plan.goals.values().any(|g| !g.text.as_str().trim().is_empty());
            (any, (!any).then(|| "Skriv minst ett mål med den enskildes egna ord.".into()))
        }
        Requirement::InterventionsWithPrincipal => {
            let interventions: Vec<_> = plan
                .ordered_interventions()
                .into_iter()
                .filter(|(_, i)| !i.what.as_str().trim().is_empty())
                .collect();
            let without: Vec<&str> = interventions
                .iter()
                .filter(|(_, i)| i.principal.is_none())
                .map(|(_, i)| i.what.as_str())
                .collect();
            if interventions.is_empty() {
                (false, Some("Det finns inga insatser än.".into()))
            } else if !without.is_empty() {
                (false, Some(format!("Saknar ansvarig huvudman: {}", without.join(", "))))
            } else {
                (true, None)
            }
        }
        Requirement::MeasuresByOthers => {
            let listed = plan.interventions.values().any(|i| i.is_measure_by_other());
            let met = listed || plan.no_measures_by_others;
            (
                met,
                (!met)
                    .then(|| "Skriv andra aktörers åtgärder, eller markera att det inte finns några.".into()),
            )
        }
        Requirement::OverallResponsibility => match plan.overall_responsibility {
            Some(Principal::Kommun | Principal::Region) => (true, None),
            Some(Principal::Other) => {
                (false, Some("Det övergripande ansvaret måste ligga på kommunen eller regionen.".into()))
            }
            None => (false, Some("Välj kommunen eller regionen.".into())),
        },
        Requirement::FollowUpDate => match &plan.follow_up.next_follow_up {
            Some(date) if crate::plan::validate::is_valid_date(date) => (true, None),
            Some(_) => (false, Some("Datumet för uppföljning är inte ett giltigt datum.".into())),
            None => (false, Some("Bestäm ett datum för uppföljning.".into())),
        },
        Requirement::Coordinator => match plan.coordinator.as_ref().map(|id| plan.participants.get(id)) {
            None => (false, Some("Utse en samordningsansvarig.".into())),
            Some(None) => (false, Some("Den samordningsansvarige finns inte bland deltagarna.".into())),
            Some(Some(p)) if !p.has_contact_details() => {
                (false, Some(format!("{} saknar telefon eller e-post.", p.name)))
            }
            Some(Some(_)) => (true, None),
        },
        Requirement::SubGoalsMeasurable => {
            let lacking = sub_goals_without_measure_or_date(plan);
            (lacking.is_empty(), (!lacking.is_empty()).then(|| format!("{}.", lacking.join("; "))))
        }
        // Known only with the plan's earlier versions: `check_with_approval`.
        Requirement::Approved => (true, None),
    };
    Check { requirement, met, detail }
}

#[cfg(test)]
mod tests;
