//! The web runtime's options: `Leptos.toml`, compiled into the binary, overridden by the
//! `LEPTOS_*` variables cargo-leptos sets during development.

use leptos::config::LeptosOptions;

/// The `Leptos.toml` this binary was built with.
pub const LEPTOS_TOML: &str = include_str!("../../Leptos.toml");

/// Leptos options from the compiled-in `Leptos.toml`, overridden by `LEPTOS_*` variables.
pub fn leptos_options() -> Result<LeptosOptions, String> {
    leptos::config::get_config_from_str(LEPTOS_TOML).map_err(|err| format!("Leptos.toml: {err}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// cargo-leptos builds from Cargo.toml's section, the binary runs with Leptos.toml's: the
    /// keys both have must agree, or the server looks for files the build never wrote.
    #[test]
    fn leptos_toml_agrees_with_cargo_toml() {
        let cargo: toml::Table = include_str!("../../Cargo.toml").parse().unwrap();
        let runtime: toml::Table = LEPTOS_TOML.parse().unwrap();
        let build = &cargo["package"]["metadata"]["leptos"];
        let run = &runtime["package"]["metadata"]["leptos"];
        let run = run.as_table().unwrap();
        for key in [
            "output-name",
            "site-root",
            "site-pkg-dir",
            "site-addr",
            "reload-port",
        ] {
            assert_eq!(build.get(key), run.get(key), "key {key} differs");
        }
        assert_eq!(
            build.get("output-name").and_then(|v| v.as_str()),
            Some(cargo["package"]["name"].as_str().unwrap()),
            "output-name must be the package name: the hydrate script loads /pkg/<name>.js"
        );
        let cargo_config: toml::Table = include_str!("../../.cargo/config.toml").parse().unwrap();
        assert_eq!(
            cargo_config["env"].get("LEPTOS_OUTPUT_NAME"),
            build.get("output-name"),
            ".cargo/config.toml must name the same bundle, or plain cargo builds look for <name>_bg.wasm"
        );
    }

    #[test]
    fn compiled_in_options_parse() {
        let options = leptos_options().unwrap();
        assert_eq!(&*options.output_name, "sessions-hub");
        assert_eq!(&*options.site_pkg_dir, "pkg");
    }
}
