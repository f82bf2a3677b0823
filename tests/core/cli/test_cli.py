"""The `cybercommons` command as a user runs it: in a subprocess, with a real environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cybercommons.core.lib.env import SettingError, email_settings, env_bool, env_int


def run(args: list[str], env: dict[str, str], tmp_path: Path, timeout: int = 120
        ) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE",
                         # set for the browser tests only; production must never have it
                         "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    base.update({"CYBERCOMMONS_DATA_DIR": str(tmp_path / "data")})
    base.update(env)
    return subprocess.run([sys.executable, "-m", "cybercommons", *args], env=base,
                          capture_output=True, text=True, timeout=timeout, cwd=tmp_path)


def test_env_helpers_name_the_variable_in_their_errors() -> None:
    with pytest.raises(SettingError, match="DEBUG='maybe'"):
        env_bool("DEBUG", environ={"DEBUG": "maybe"})
    with pytest.raises(SettingError, match="PORT='x'"):
        env_int("PORT", 1, environ={"PORT": "x"})
    assert env_bool("X", environ={"X": "yes"}) is True


def test_email_urls_map_to_django_settings() -> None:
    smtp = email_settings("smtp://user:p%40ss@mail.example.org:587?tls=1&from=cc@example.org")
    assert smtp["EMAIL_HOST"] == "mail.example.org"
    assert smtp["EMAIL_PORT"] == 587
    assert smtp["EMAIL_HOST_PASSWORD"] == "p@ss"
    assert smtp["EMAIL_USE_TLS"] is True
    assert smtp["DEFAULT_FROM_EMAIL"] == "cc@example.org"
    assert "console" in str(email_settings("console:")["EMAIL_BACKEND"])
    with pytest.raises(SettingError, match="EMAIL_URL"):
        email_settings("pigeon://coop")


@pytest.mark.parametrize("sub", ["demo", "serve", "migrate", "createadmin", "check", "worker"])
def test_every_subcommand_has_help(sub: str, tmp_path: Path) -> None:
    result = run([sub, "--help"], {}, tmp_path)
    assert result.returncode == 0
    assert "usage: cybercommons " + sub in result.stdout


def test_a_malformed_database_url_stops_with_one_line(tmp_path: Path) -> None:
    result = run(["check"], {"DATABASE_URL": "nonsense://what"}, tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DATABASE_URL" in lines[0]


def test_serve_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = run(["serve"], {}, tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().startswith("cybercommons: error: SECRET_KEY is not set")


def test_an_unknown_command_is_reported(tmp_path: Path) -> None:
    result = run(["frobnicate"], {}, tmp_path)
    assert result.returncode == 2
    assert "unknown command 'frobnicate'" in result.stderr


def test_check_deploy_is_clean_in_a_production_configuration(tmp_path: Path) -> None:
    production = {
        "SECRET_KEY": "k" * 20 + "Zq8!x@P#r$w%t^y&u*i(o)p-a=s+d_f~g|h;j:k<l>z,x.c/v?b" * 2,
        "ALLOWED_HOSTS": "cybercommons.example.org",
        "CYBERCOMMONS_HTTPS": "1",
        "DEBUG": "0",
    }
    result = run(["check", "--deploy"], production, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_when_debug_is_on(tmp_path: Path) -> None:
    result = run(["check", "--deploy"], {"DEBUG": "1"}, tmp_path)
    assert result.returncode != 0


@pytest.mark.slow
def test_demo_prepares_data_and_can_be_run_again(tmp_path: Path) -> None:
    first = run(["demo", "--no-serve"], {}, tmp_path, timeout=300)
    assert first.returncode == 0, first.stderr
    assert "Admin login: user 'admin', password '" in first.stdout
    password = first.stdout.split("password '")[1].split("'")[0]
    second = run(["demo", "--no-serve"], {}, tmp_path, timeout=300)
    assert second.returncode == 0, second.stderr
    assert f"password '{password}'" in second.stdout
    assert (tmp_path / "data" / "cybercommons.sqlite3").is_file()
    assert (tmp_path / "data" / "secret_key").stat().st_mode & 0o077 == 0
    # The world map's shapes are ready before the first visitor asks for a map page.
    assert "Preparing the world map" in first.stdout
    assert list((tmp_path / "data" / "geo").glob("countries-default-*.geojson"))
    verify = run(["audit", "verify"], {}, tmp_path)
    assert verify.returncode == 0
    assert "intact" in verify.stdout
