//! What an agent's work cost: tokens in and out and dollars, as `agents[].usage` in
//! `communication.json`. Reports add to it (under the session's lock); an agent may also write
//! the field itself, and whatever it wrote is read leniently.

use super::create::FieldErrors;
use super::error::HubError;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `agents[].usage`.
pub const USAGE_FIELD: &str = "usage";

/// No single report adds more than this (a typo, not a bill).
pub const MAX_TOKENS_PER_REPORT: u64 = 1_000_000_000;
pub const MAX_COST_PER_REPORT_USD: f64 = 100_000.0;

#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    #[serde(default)]
    pub input_tokens: u64,
    #[serde(default)]
    pub output_tokens: u64,
    #[serde(default)]
    pub cost_usd: f64,
}

impl Usage {
    /// The field as an agent may have written it: numbers or numeric strings; anything else
    /// counts as 0 rather than hiding the session.
    pub fn read(value: Option<&Value>) -> Option<Self> {
        let object = value?.as_object()?;
        let number = |name: &str| -> Option<f64> {
            match object.get(name)? {
                Value::Number(n) => n.as_f64(),
                Value::String(s) => s.trim().parse().ok(),
                _ => None,
            }
            .filter(|n| n.is_finite() && *n >= 0.0)
        };
        Some(Self {
            input_tokens: number("input_tokens").map_or(0, |n| n.min(u64::MAX as f64) as u64),
            output_tokens: number("output_tokens").map_or(0, |n| n.min(u64::MAX as f64) as u64),
            cost_usd: number("cost_usd").unwrap_or(0.0),
        })
    }

    pub fn is_zero(&self) -> bool {
        self.input_tokens == 0 && self.output_tokens == 0 && self.cost_usd == 0.0
    }

    /// The sum, saturating (tokens) and rounded to a micro-dollar (so repeated additions do
    /// not drift in the last digits).
    pub fn plus(self, other: Usage) -> Usage {
        Usage {
            input_tokens: self.input_tokens.saturating_add(other.input_tokens),
            output_tokens: self.output_tokens.saturating_add(other.output_tokens),
            cost_usd: round_micro(self.cost_usd + other.cost_usd),
        }
    }

    pub fn total<'a>(all: impl IntoIterator<Item = &'a Usage>) -> Usage {
        all.into_iter()
            .fold(Usage::default(), |sum, u| sum.plus(*u))
    }

    pub fn to_value(self) -> Value {
        serde_json::to_value(self).expect("usage serialises")
    }

    /// "12,400 in · 3,100 out · $0.42".
    pub fn summary(&self) -> String {
        format!(
            "{} in · {} out · {}",
            super::format::group_thousands(self.input_tokens),
            super::format::group_thousands(self.output_tokens),
            format_usd(self.cost_usd)
        )
    }
}

fn round_micro(usd: f64) -> f64 {
    (usd * 1e6).round() / 1e6
}

/// "$0.42", "$1,234.50", "<$0.01" for a cost above zero that rounds to nothing.
pub fn format_usd(usd: f64) -> String {
    if usd > 0.0 && usd < 0.005 {
        return "<$0.01".to_owned();
    }
    let cents = (usd * 100.0).round() as u64;
    format!(
        "${}.{:02}",
        super::format::group_thousands(cents / 100),
        cents % 100
    )
}

/// A report: `hub usage add`, `POST …/agents/<agent>/usage`, the MCP tool `report_usage`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageReport {
    #[serde(default)]
    pub input_tokens: Option<u64>,
    #[serde(default)]
    pub output_tokens: Option<u64>,
    #[serde(default)]
    pub cost_usd: Option<f64>,
}

impl UsageReport {
    /// The amount to add, or why it cannot be.
    pub fn checked(&self) -> Result<Usage, HubError> {
        let mut errors = FieldErrors::default();
        for (field, tokens) in [
            ("input_tokens", self.input_tokens),
            ("output_tokens", self.output_tokens),
        ] {
            if tokens.is_some_and(|n| n > MAX_TOKENS_PER_REPORT) {
                errors.insert(
                    field,
                    format!("at most {MAX_TOKENS_PER_REPORT} tokens in one report"),
                );
            }
        }
        if let Some(cost) = self.cost_usd {
            if !cost.is_finite() || cost < 0.0 {
                errors.insert("cost_usd", "a cost is a number of dollars, 0 or more");
            } else if cost > MAX_COST_PER_REPORT_USD {
                errors.insert(
                    "cost_usd",
                    format!("at most ${MAX_COST_PER_REPORT_USD} in one report"),
                );
            }
        }
        let usage = Usage {
            input_tokens: self.input_tokens.unwrap_or(0),
            output_tokens: self.output_tokens.unwrap_or(0),
            cost_usd: round_micro(self.cost_usd.unwrap_or(0.0)),
        };
        if errors.is_empty() && usage.is_zero() {
            errors.insert(
                "input_tokens",
                "report input_tokens, output_tokens or cost_usd",
            );
        }
        if errors.is_empty() {
            Ok(usage)
        } else {
            Err(HubError::Validation(errors))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn agent_written_usage_is_read_leniently() {
        let read = |v: Value| Usage::read(Some(&v));
        assert_eq!(
            read(json!({"input_tokens": 10, "output_tokens": "5", "cost_usd": 0.25})),
            Some(Usage {
                input_tokens: 10,
                output_tokens: 5,
                cost_usd: 0.25
            })
        );
        assert_eq!(
            read(json!({"input_tokens": -4, "cost_usd": "lots"})),
            Some(Usage::default())
        );
        assert_eq!(read(json!("a lot")), None);
        assert_eq!(Usage::read(None), None);
    }

    #[test]
    fn sums_do_not_drift_or_overflow() {
        let cent = Usage {
            cost_usd: 0.01,
            ..Default::default()
        };
        let sum = (0..1000).fold(Usage::default(), |sum, _| sum.plus(cent));
        assert_eq!(sum.cost_usd, 10.0);
        let big = Usage {
            input_tokens: u64::MAX,
            ..Default::default()
        };
        assert_eq!(big.plus(big).input_tokens, u64::MAX);
    }

    #[test]
    fn reports_are_checked() {
        let ok = UsageReport {
            input_tokens: Some(1200),
            cost_usd: Some(0.5),
            ..Default::default()
        };
        assert_eq!(ok.checked().unwrap().input_tokens, 1200);
        for bad in [
            UsageReport::default(),
            UsageReport {
                cost_usd: Some(-1.0),
                ..Default::default()
            },
            UsageReport {
                cost_usd: Some(f64::NAN),
                ..Default::default()
            },
            UsageReport {
                output_tokens: Some(MAX_TOKENS_PER_REPORT + 1),
                ..Default::default()
            },
        ] {
            assert!(
                matches!(bad.checked(), Err(HubError::Validation(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn dollars_read_as_people_write_them() {
        assert_eq!(format_usd(0.0), "$0.00");
        assert_eq!(format_usd(0.001), "<$0.01");
        assert_eq!(format_usd(1234.5), "$1,234.50");
        let usage = Usage {
            input_tokens: 12_400,
            output_tokens: 3_100,
            cost_usd: 0.42,
        };
        assert_eq!(usage.summary(), "12,400 in · 3,100 out · $0.42");
    }
}
