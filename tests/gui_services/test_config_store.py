from pathlib import Path

import pytest

from mohawk_gui.services.config import ConsoleConfig, TlsSettings, WorkerSettings, restart_required
from mohawk_gui.services.config_store import DEFAULT_CONFIG_TEXT, ConfigInvalid, ConfigStore, parse_config

OPERATOR_TEXT = """\
# fleet of the lab, edited by hand
[[workers]]
name = "gpu-a"   # the big box
url = "http://10.0.0.5:8003"

[[workers]]
# comment inside the second worker
name = "gpu-b"
url = "https://gpu-b:8003"
token = "s3cret"

[alerts]
latency_p99_ms = 100.0  # tight budget
"""


@pytest.fixture
def store(tmp_path: Path) -> ConfigStore:
    store = ConfigStore(tmp_path / "console.toml")
    store.path.write_text(OPERATOR_TEXT)
    return store


def test_the_default_text_is_a_valid_config_with_no_workers():
    config = parse_config(DEFAULT_CONFIG_TEXT)
    assert config.workers == []
    assert config == ConsoleConfig()


def test_ensure_exists_writes_the_commented_default_once(tmp_path: Path):
    store = ConfigStore(tmp_path / "sub" / "console.toml")
    store.ensure_exists()
    assert store.path.read_text() == DEFAULT_CONFIG_TEXT
    store.path.write_text("[refresh]\nheartbeat_s = 3.0\n")
    store.ensure_exists()
    assert store.load().refresh.heartbeat_s == 3.0


def test_saving_an_edited_config_keeps_comments_ordering_and_untouched_keys(store: ConfigStore):
    config = store.load()
    config.alerts.rtt_ms = 50.0
    config.workers[0].url = "http://10.0.0.6:8003"
    config.workers[1].tls = TlsSettings(ca=Path("/etc/mohawk/ca.pem"))
    store.save(config)

    text = store.path.read_text()
    assert text.startswith("# fleet of the lab, edited by hand\n")
    assert 'name = "gpu-a"   # the big box' in text
    assert "# comment inside the second worker" in text
    assert "latency_p99_ms = 100.0  # tight budget" in text
    assert 'url = "http://10.0.0.6:8003"' in text
    assert "rtt_ms = 50.0" in text
    assert "heartbeat_s" not in text, "defaults the operator never wrote stay unwritten"
    assert text.index('"gpu-a"') < text.index('"gpu-b"') < text.index("[alerts]")
    assert store.load() == config


def test_removing_and_reordering_workers_keeps_each_workers_comments(store: ConfigStore):
    config = store.load()
    config.workers = [config.workers[1], WorkerSettings(name="gpu-c", url="http://gpu-c:8003")]
    store.save(config)
    text = store.path.read_text()
    assert "gpu-a" not in text and "the big box" not in text
    assert text.index("# comment inside the second worker") < text.index('"gpu-c"')
    assert [worker.name for worker in store.load().workers] == ["gpu-b", "gpu-c"]


def test_a_save_keeps_the_previous_file_as_a_backup_and_restore_swaps_them(store: ConfigStore):
    config = store.load()
    config.alerts.queue_depth = 7
    store.save(config)
    assert store.has_backup()
    assert store.backup_path.read_text() == OPERATOR_TEXT

    restored = store.restore_backup()
    assert restored.alerts.queue_depth == 512
    assert store.path.read_text() == OPERATOR_TEXT
    assert store.load().alerts.queue_depth == 512
    assert parse_config(store.backup_path.read_text()).alerts.queue_depth == 7


@pytest.mark.parametrize(
    "text, problem",
    [
        ("[refresh\n", "not valid TOML"),
        ("[refresh]\nheartbeat_s = 0\n", "refresh.heartbeat_s"),
        ("[alerts]\nunknown = 1\n", "alerts.unknown"),
        ('[[workers]]\nname = "a"\nurl = "ftp://x"\n', 'worker 1 "a" url: url must look like'),
        ('[[workers]]\nname = "a"\nurl = "http://x:1"\n[[workers]]\nname = "a"\nurl = "http://y:1"\n', "unique"),
        ('[[workers]]\nname = "a"\nurl = "https://x:1"\n[workers.tls]\nkey = "k.pem"\n', "client key"),
    ],
)
def test_invalid_text_is_rejected_with_its_problems_and_writes_nothing(store: ConfigStore, text: str, problem: str):
    with pytest.raises(ConfigInvalid) as raised:
        store.save_text(text)
    assert any(problem in line for line in raised.value.problems), raised.value.problems
    assert store.path.read_text() == OPERATOR_TEXT
    assert not store.has_backup()
    assert list(store.path.parent.iterdir()) == [store.path], "no temporary files left behind"


def test_restore_without_a_backup_says_so(store: ConfigStore):
    with pytest.raises(FileNotFoundError):
        store.restore_backup()


def test_only_the_local_engines_start_options_need_a_restart():
    before = ConsoleConfig()
    after = before.model_copy(deep=True)
    after.alerts.rtt_ms = 1.0
    after.refresh.metrics_hz = 2.0
    after.workers.append(WorkerSettings(name="w", url="http://w:1"))
    after.bundled_engine.keep_running = True
    assert restart_required(before, after) == []
    after.bundled_engine.port = 8010
    assert restart_required(before, after) == ["bundled_engine.port"]
