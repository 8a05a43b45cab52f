"""Long-running programs learners start: what they print on start-up, which ports they open, their memory.

nginx, httpd, redis, postgres, mysql and friends run until stopped; their first log lines
are close to the real images' output, so `kubectl logs` looks familiar. Lines carry time
markers (`CLOCK`) that `render` replaces with the moment the line was printed, in the
program's own timestamp style, because a plan is made before anyone knows when it runs.
"""

import re
from dataclasses import dataclass
from datetime import datetime

MiB = 2**20


def clock(style: str) -> str:
    return f"\x00{style}\x00"


CLOCK = re.compile("\x00([a-z]+)\x00")
STYLES = {
    "date": "%a %b %e %H:%M:%S UTC %Y",  # busybox `date`
    "nginx": "%Y/%m/%d %H:%M:%S",
    "redis": "%d %b %Y %H:%M:%S.%f",
    "httpd": "%a %b %d %H:%M:%S.%f %Y",
    "postgres": "%Y-%m-%d %H:%M:%S.%f UTC",
    "mysql": "%Y-%m-%d %H:%M:%S+00:00",
}


def render(text: str, at: datetime) -> str:
    def stamp(match: re.Match[str]) -> str:
        formatted = at.strftime(STYLES.get(match.group(1), STYLES["date"]))
        return formatted[:-3] if match.group(1) in ("redis", "postgres") and "." in formatted else formatted
    return CLOCK.sub(stamp, text)


@dataclass(frozen=True)
class Program:
    name: str
    ports: tuple[int, ...]
    memory: int  # bytes in use once started
    startup: tuple[str, ...] = ()
    exit_code: int | None = None  # set for programs that stop at once (a missing setting)


def nginx_lines(version: str) -> tuple[str, ...]:
    notice = clock("nginx") + " [notice] 1#1: "
    entry = "/docker-entrypoint.sh: "
    return (entry + "/docker-entrypoint.d/ is not empty, will attempt to perform configuration",
            entry + "Looking for shell scripts in /docker-entrypoint.d/",
            entry + "Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
            "10-listen-on-ipv6-by-default.sh: info: Getting the checksum of /etc/nginx/conf.d/default.conf",
            "10-listen-on-ipv6-by-default.sh: info: Enabled listen on IPv6 in /etc/nginx/conf.d/default.conf",
            entry + "Sourcing /docker-entrypoint.d/15-local-resolvers.envsh",
            entry + "Launching /docker-entrypoint.d/20-envsubst-on-templates.sh",
            entry + "Launching /docker-entrypoint.d/30-tune-worker-processes.sh",
            entry + "Configuration complete; ready for start up",
            notice + 'using the "epoll" event method', notice + f"nginx/{version}",
            notice + "built by gcc 12.2.0 (Debian 12.2.0-14) ", notice + "OS: Linux 6.8.0-kubelab",
            notice + "getrlimit(RLIMIT_NOFILE): 1048576:1048576", notice + "start worker processes",
            notice + "start worker process 29", notice + "start worker process 30")


def redis_lines(version: str) -> tuple[str, ...]:
    c, m = "1:C " + clock("redis"), "1:M " + clock("redis")
    return (f"{c} * oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo",
            f"{c} * Redis version={version}, bits=64, commit=00000000, modified=0, pid=1, just started",
            f"{c} # Warning: no config file specified, using the default config. In order to specify a config "
            "file use redis-server /path/to/redis.conf",
            f"{m} * monotonic clock: POSIX clock_gettime", f"{m} * Running mode=standalone, port=6379.",
            f"{m} * Server initialized", f"{m} * Ready to accept connections tcp")


def httpd_lines(ip: str) -> tuple[str, ...]:
    fqdn = (f"AH00558: httpd: Could not reliably determine the server's fully qualified domain name, using {ip}. "
            "Set the 'ServerName' directive globally to suppress this message")
    stamp = "[" + clock("httpd") + "]"
    return (fqdn, fqdn,
            f"{stamp} [mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.62 (Unix) configured -- resuming "
            "normal operations",
            f"{stamp} [core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'")


POSTGRES_NO_PASSWORD = (
    "Error: Database is uninitialized and superuser password is not specified.",
    "       You must specify POSTGRES_PASSWORD to a non-empty value for the",
    '       superuser. For example, "-e POSTGRES_PASSWORD=password" on "docker run".', "",
    '       You may also use "POSTGRES_HOST_AUTH_METHOD=trust" to allow all',
    "       connections without a password. This is *not* recommended.", "",
    '       See PostgreSQL documentation about "trust":',
    "       https://www.postgresql.org/docs/current/auth-trust.html")


def postgres_lines() -> tuple[str, ...]:
    stamp = clock("postgres") + " [1] LOG:  "
    return ("The files belonging to this database system will be owned by user \"postgres\".",
            "This user must also own the server process.", "",
            "PostgreSQL init process complete; ready for start up.", "",
            stamp + "starting PostgreSQL 16.4 (Debian 16.4-1.pgdg120+1) on x86_64-pc-linux-gnu",
            stamp + 'listening on IPv4 address "0.0.0.0", port 5432',
            stamp + "database system is ready to accept connections")


MYSQL_NO_PASSWORD = (
    clock("mysql") + " [Note] [Entrypoint]: Entrypoint script for MySQL Server 8.4.2-1.el9 started.",
    clock("mysql") + " [ERROR] [Entrypoint]: Database is uninitialized and password option is not specified",
    "    You need to specify one of the following as an environment variable:",
    "    - MYSQL_ROOT_PASSWORD", "    - MYSQL_ALLOW_EMPTY_PASSWORD", "    - MYSQL_RANDOM_ROOT_PASSWORD")
MYSQL_PASSWORDS = ("MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD",
                   "MARIADB_ROOT_PASSWORD", "MARIADB_ALLOW_EMPTY_ROOT_PASSWORD", "MARIADB_RANDOM_ROOT_PASSWORD")


def mysql_lines() -> tuple[str, ...]:
    note = clock("mysql") + " [Note] [Entrypoint]: "
    return (note + "Entrypoint script for MySQL Server 8.4.2-1.el9 started.",
            note + "MySQL init process done. Ready for start up.",
            clock("mysql") + " 0 [System] [MY-010931] [Server] /usr/sbin/mysqld: ready for connections. Version: "
            "'8.4.2'  socket: '/var/run/mysqld/mysqld.sock'  port: 3306  MySQL Community Server - GPL.")


NGINX_PATCHES = {"1.25": "1.25.5", "1.26": "1.26.2", "1.27": "1.27.3", "1.24": "1.24.0", "1.23": "1.23.4"}


def version_of(tag: str, patches: dict[str, str], default: str) -> str:
    base = tag.split("-")[0]
    if base.count(".") >= 2:
        return base
    return patches.get(base, default)


def server(name: str, env: dict[str, str], tag: str = "") -> Program | None:
    """The program a server command or image starts, or None when `name` is not one we know."""
    if name in ("nginx", "openresty"):
        return Program("nginx", (80,), 8 * MiB, nginx_lines(version_of(tag, NGINX_PATCHES, "1.27.3")))
    if name in ("httpd", "httpd-foreground", "apache2"):
        return Program("httpd", (80,), 12 * MiB, httpd_lines(env.get("#ip", "10.244.0.2")))
    if name in ("redis", "redis-server", "valkey", "valkey-server"):
        return Program("redis", (6379,), 8 * MiB, redis_lines(version_of(tag, {}, "7.4.1")))
    if name in ("postgres", "postgresql"):
        ready = env.get("POSTGRES_PASSWORD") or env.get("POSTGRES_HOST_AUTH_METHOD") == "trust"
        lines = postgres_lines() if ready else POSTGRES_NO_PASSWORD
        return Program("postgres", (5432,), 40 * MiB, lines, None if ready else 1)
    if name in ("mysql", "mysqld", "mariadb", "mariadbd"):
        ready = any(env.get(key) for key in MYSQL_PASSWORDS)
        return Program("mysql", (3306,), 380 * MiB, mysql_lines() if ready else MYSQL_NO_PASSWORD,
                       None if ready else 1)
    if name in ("memcached",):
        return Program("memcached", (11211,), 4 * MiB)
    if name in ("mongo", "mongod"):
        return Program("mongo", (27017,), 90 * MiB)
    if name in ("rabbitmq", "rabbitmq-server"):
        return Program("rabbitmq", (5672, 15672), 120 * MiB)
    return None
