//! The person the plan is for, and what matters to them.
//!
//! The prose fields follow the citizen's preparation form (seed 001) and the
//! manual's "behov, förmågor och hinder" (seed 000), in the person's words.

use autosurgeon::{Hydrate, Reconcile};

use super::Text;

/// The person (den enskilde).
#[derive(Debug, Clone, PartialEq, Default, Reconcile, Hydrate)]
pub struct Person {
    /// Namn.
    #[autosurgeon(missing = "Default::default")]
    pub name: Text,
    /// Telefon.
    #[autosurgeon(missing = "Default::default")]
    pub phone: String,
    /// Språk (the language the person prefers).
    #[autosurgeon(missing = "Default::default")]
    pub language: String,
    /// Behöver tolk.
    #[autosurgeon(missing = "Default::default")]
    pub interpreter_needed: bool,
    /// Barn eller ungdom: then the guardians consent (seed 004).
    #[autosurgeon(missing = "Default::default")]
    pub is_child: bool,
    /// The preparation, in the person's own words.
    #[autosurgeon(missing = "Default::default")]
    pub preparation: Preparation,
}

/// What the person (or a relative) writes before the meeting (seed 001),
/// plus needs, strengths and obstacles (seed 000).
#[derive(Debug, Clone, PartialEq, Default, Reconcile, Hydrate)]
pub struct Preparation {
    /// "Vad är mina största problem som jag behöver hjälp med? Vad är viktigt för mig?"
    #[autosurgeon(missing = "Default::default")]
    pub important_to_me: Text,
    /// Behov.
    #[autosurgeon(missing = "Default::default")]
    pub needs: Text,
    /// Förmågor och resurser: positive traits, social network, motivation.
    #[autosurgeon(missing = "Default::default")]
    pub strengths: Text,
    /// Hinder.
    #[autosurgeon(missing = "Default::default")]
    pub obstacles: Text,
    /// "Mina delmål", as the person wrote them before the meeting.
    #[autosurgeon(missing = "Default::default")]
    pub my_sub_goals: Text,
    /// "Vad kan jag göra själv?"
    #[autosurgeon(missing = "Default::default")]
    pub can_do_myself: Text,
    /// "Hur ska målen följas upp?"
    #[autosurgeon(missing = "Default::default")]
    pub how_to_follow_up: Text,
    /// "Efter hur lång tid?"
    #[autosurgeon(missing = "Default::default")]
    pub follow_up_after: Text,
    /// "Annat som jag tycker är viktigt."
    #[autosurgeon(missing = "Default::default")]
    pub other: Text,
    /// Frågor jag vill ta upp på mötet.
    #[autosurgeon(missing = "Default::default")]
    pub questions_to_raise: Text,
    /// Frågor jag inte vill ska tas upp.
    #[autosurgeon(missing = "Default::default")]
    pub questions_to_avoid: Text,
    /// "Mitt huvudmål", as the person wrote it before the meeting (seed 001).
    #[autosurgeon(missing = "Default::default")]
    pub my_main_goal: Text,
    /// Where the person wants the meeting, and whom they bring (a support
    /// person, a representative) (seed 000).
    #[autosurgeon(missing = "Default::default")]
    pub meeting_wishes: Text,
    /// What the person needs to take part: interpreter and language,
    /// adaptations for communication, cognition, mobility (seed 000).
    #[autosurgeon(missing = "Default::default")]
    pub adaptations: Text,
    /// How the person wants their plan: on paper, in the app, read aloud
    /// (seed 000: the person gets a copy of the plan).
    #[autosurgeon(missing = "Default::default")]
    pub plan_copy: Text,
}

/// The prose fields of [`Preparation`], with their keys and Swedish labels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PreparationField {
    /// [`Preparation::important_to_me`].
    ImportantToMe,
    /// [`Preparation::needs`].
    Needs,
    /// [`Preparation::strengths`].
    Strengths,
    /// [`Preparation::obstacles`].
    Obstacles,
    /// [`Preparation::my_sub_goals`].
    MySubGoals,
    /// [`Preparation::can_do_myself`].
    CanDoMyself,
    /// [`Preparation::how_to_follow_up`].
    HowToFollowUp,
    /// [`Preparation::follow_up_after`].
    FollowUpAfter,
    /// [`Preparation::other`].
    Other,
    /// [`Preparation::questions_to_raise`].
    QuestionsToRaise,
    /// [`Preparation::questions_to_avoid`].
    QuestionsToAvoid,
    /// [`Preparation::my_main_goal`].
    MyMainGoal,
    /// [`Preparation::meeting_wishes`].
    MeetingWishes,
    /// [`Preparation::adaptations`].
    Adaptations,
    /// [`Preparation::plan_copy`].
    PlanCopy,
}

impl PreparationField {
    /// Every field, in the order of the preparation form.
    pub const ALL: [PreparationField; 15] = [
        PreparationField::ImportantToMe,
        PreparationField::MyMainGoal,
        PreparationField::Needs,
        PreparationField::Strengths,
        PreparationField::Obstacles,
        PreparationField::MySubGoals,
        PreparationField::CanDoMyself,
        PreparationField::HowToFollowUp,
        PreparationField::FollowUpAfter,
        PreparationField::Other,
        PreparationField::QuestionsToRaise,
        PreparationField::QuestionsToAvoid,
        PreparationField::MeetingWishes,
        PreparationField::Adaptations,
        PreparationField::PlanCopy,
    ];

    /// The key in the document.
    pub fn key(self) -> &'static str {
        match self {
            PreparationField::ImportantToMe => "important_to_me",
            PreparationField::Needs => "needs",
            PreparationField::Strengths => "strengths",
            PreparationField::Obstacles => "obstacles",
            PreparationField::MySubGoals => "my_sub_goals",
            PreparationField::CanDoMyself => "can_do_myself",
            PreparationField::HowToFollowUp => "how_to_follow_up",
            PreparationField::FollowUpAfter => "follow_up_after",
            PreparationField::Other => "other",
            PreparationField::QuestionsToRaise => "questions_to_raise",
            PreparationField::QuestionsToAvoid => "questions_to_avoid",
            PreparationField::MyMainGoal => "my_main_goal",
            PreparationField::MeetingWishes => "meeting_wishes",
            PreparationField::Adaptations => "adaptations",
            PreparationField::PlanCopy => "plan_copy",
        }
    }

    /// The question as the form asks it, in plain Swedish.
    pub fn label(self) -> &'static str {
        match self {
            PreparationField::ImportantToMe => "Vad behöver jag mest hjälp med? Vad är viktigt för mig?",
            PreparationField::Needs => "Mina behov",
            PreparationField::Strengths => "Det här är jag bra på. De här personerna stöttar mig.",
            PreparationField::Obstacles => "Det här gör det svårt för mig",
            PreparationField::MySubGoals => "Mina delmål",
            PreparationField::CanDoMyself => "Vad kan jag göra själv?",
            PreparationField::HowToFollowUp => "Hur ska vi se att det går bra?",
            PreparationField::FollowUpAfter => "När ska vi ses igen och prata om hur det går?",
            PreparationField::Other => "Annat som är viktigt för mig",
            PreparationField::QuestionsToRaise => "Frågor jag vill prata om på mötet",
            PreparationField::QuestionsToAvoid => "Frågor jag inte vill prata om på mötet",
            PreparationField::MyMainGoal => "Mitt huvudmål inför mötet",
            PreparationField::MeetingWishes => "Var vill jag ha mötet? Vem vill jag ha med mig?",
            PreparationField::Adaptations => {
                "Det här behöver jag för att kunna vara med. Till exempel tolk, pauser eller hjälp att läsa."
            }
            PreparationField::PlanCopy => "Hur vill jag få min plan? På papper, i appen eller uppläst?",
        }
    }
}
