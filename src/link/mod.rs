//! `topics link`: do the topics agree with the conjoint experiment?
//!
//! After fitting topics on respondents' open answers and estimating the
//! conjoint, an analyst asks whether the respondents who write about a
//! topic also choose differently. This module answers it in five steps:
//!
//! 1. [`join`]: each conjoint respondent to their answer in the model, with
//!    every unmatched or ambiguous id counted (never silently dropped or
//!    joined twice);
//! 2. [`groups`]: topic groups from θ (dominant topic, θ above a threshold,
//!    or terciles of one topic's θ);
//! 3. [`estimate`]: marginal means and AMCEs by topic group, each group's
//!    marginal-mean differences from all other respondents and an omnibus
//!    test per group, repeated over the posterior draws of θ saved in the
//!    model and combined ([`combine`]) so that the intervals carry the
//!    uncertainty of the topic assignment;
//! 4. [`words`]: each topic's top words beside the attribute levels they
//!    share, with the marginal-mean difference that says whether the
//!    experiment agrees with the words;
//! 5. [`prevalence`]: mean θ per topic by a respondent covariate, with a
//!    respondent bootstrap over the θ draws.
//!
//! [`output`] prints the result as a table, CSV or JSON, [`plot`] draws the
//! marginal means by topic group, and [`simulate`] writes a conjoint data
//! set whose preferences differ by theme in a known way (the check that the
//! whole chain finds what was put in).
//!
//! ```no_run
//! use std::path::Path;
//! use topics::conjoint::data::{ConjointData, DesignFile, Spec};
//! use topics::conjoint::design::Options;
//! use topics::link::{estimate::{by_topic_group, LinkOptions, ThetaDraws}, groups::GroupRule, join::Join};
//!
//! let (model, labels) = topics::explore::open_model(Path::new("model.json"))?;
//! let design = Path::new("conjoint_design.json");
//! let data_path = Path::new("conjoint.csv");
//! let data = ConjointData::read(data_path, &Spec::from_design(DesignFile::load(design)?, design))?;
//! let ids: Vec<&str> = model.documents().iter().map(|d| d.id.as_str()).collect();
//! let join = Join::of(&data, data_path, "respondent", None, &ids, Path::new("model.json"))?;
//! println!("{} respondents joined", join.report.joined);
//! let opts = LinkOptions { rule: GroupRule::Dominant, draws: None, conjoint: Options::default() };
//! let draws = ThetaDraws::new(&model, &join, None)?;
//! let estimates = by_topic_group(&data, &draws, &labels, &opts)?;
//! # Ok::<(), topics::Error>(())
//! ```

pub mod analysis;
pub mod combine;
pub mod covariates;
pub mod error;
pub mod estimate;
pub mod groups;
pub mod join;
pub mod output;
pub mod plot;
pub mod prevalence;
// Simulated data for examples and tests: reachable, not part of the API.
#[doc(hidden)]
pub mod simulate;
pub mod words;

pub use analysis::{link, Covariate, LinkInput};
pub use error::LinkError;
