/* accounts_sql.h - internal: the account tables of schema version 6
 * (issue 12, docs/dev/store-schema.md), one text for both engines.
 * P is the table prefix ("" for SQLite, "ampel." for PostgreSQL), ID the
 * type of a generated key ("INTEGER PRIMARY KEY" / "BIGSERIAL PRIMARY
 * KEY"), I the integer type. Passwords are stored only as Argon2id
 * strings, API tokens and session ids only as hex SHA-256. */
#ifndef AMPEL_STORE_ACCOUNTS_SQL_H
#define AMPEL_STORE_ACCOUNTS_SQL_H

#define AMPEL_ACCOUNTS_SQL_(P, ID, I)                                          \
  "CREATE TABLE " P "users(name TEXT PRIMARY KEY, role TEXT NOT NULL,"         \
  " pwhash TEXT NOT NULL, created " I " NOT NULL,"                             \
  " disabled INTEGER NOT NULL DEFAULT 0);"                                     \
  "CREATE TABLE " P "api_token(id " ID ", user_name TEXT NOT NULL,"            \
  " name TEXT NOT NULL UNIQUE, hash TEXT NOT NULL UNIQUE,"                     \
  " created " I " NOT NULL, last_used " I ");"                                 \
  "CREATE TABLE " P "session(token_hash TEXT PRIMARY KEY,"                     \
  " user_name TEXT NOT NULL, csrf TEXT NOT NULL, created " I " NOT NULL,"      \
  " last_seen " I " NOT NULL, address TEXT);"                                  \
  "CREATE TABLE " P "audit(id " ID ", time " I " NOT NULL, user_name TEXT,"    \
  " address TEXT, action TEXT NOT NULL, detail TEXT);"

#define AMPEL_ACCOUNTS_SQL(P)                                                  \
  AMPEL_ACCOUNTS_SQL_(P, "INTEGER PRIMARY KEY", "INTEGER")
#define AMPEL_ACCOUNTS_PG_SQL                                                  \
  AMPEL_ACCOUNTS_SQL_("ampel.", "BIGSERIAL PRIMARY KEY", "BIGINT")

#endif
