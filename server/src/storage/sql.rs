//! One way to run SQL on either database: SQLite (the default, a file in
//! the data folder) or PostgreSQL (`--database postgres://…`).
//!
//! The access tables and the document reads are the same SQL on both, so
//! they go through this small layer rather than twice through sqlx: a
//! [`query`] binds typed [`Value`]s and runs on a [`Pool`] or a
//! [`Connection`] (a write transaction); a [`Row`] decodes each column with
//! the driver's own decoder for its Rust type. Why not sqlx's `Any`: it
//! decodes no `bool` from SQLite (the flags are integers there) and refuses
//! SQLite columns declared `BOOLEAN`; here each driver decodes as it does
//! natively, and the types a query may bind are exactly [`Value`]'s.
//!
//! Placeholders are written as SQLite's `?` or `?N`; for PostgreSQL they are
//! turned into `$N` ([`numbered_placeholders`]). What is not the same SQL
//! (a transaction that takes SQLite's write lock at once, the write-ahead
//! log, the storage writer's group commit) asks [`Pool::kind`].

use sqlx::postgres::{PgConnection, PgPool, PgRow};
use sqlx::sqlite::{SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{ColumnIndex, Decode, Postgres, Sqlite, Type};

/// Which database a store is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One SQLite file in the data folder.
    Sqlite,
    /// A PostgreSQL database, possibly shared with other relays.
    Postgres,
}

/// A connection pool of either database.
#[derive(Clone, Debug)]
pub enum Pool {
    /// SQLite.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

impl Pool {
    /// Which database this is.
    pub fn kind(&self) -> Kind {
        match self {
            Pool::Sqlite(_) => Kind::Sqlite,
            Pool::Postgres(_) => Kind::Postgres,
        }
    }

    /// Close every connection, waiting for running queries.
    pub async fn close(&self) {
        match self {
            Pool::Sqlite(pool) => pool.close().await,
            Pool::Postgres(pool) => pool.close().await,
        }
    }

    /// A connection of the pool, outside any transaction (for reads that
    /// take several statements).
    pub async fn acquire(&self) -> Result<Connection, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(pool) => Connection::SqlitePooled(pool.acquire().await?),
            Pool::Postgres(pool) => Connection::PostgresPooled(pool.acquire().await?),
        })
    }

    /// Begin a transaction: on SQLite with `begin` (e.g. `BEGIN IMMEDIATE`).
    pub(crate) async fn begin(&self, sqlite_begin: &'static str) -> Result<Connection, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(pool) => Connection::Sqlite(pool.begin_with(sqlite_begin).await?),
            Pool::Postgres(pool) => Connection::Postgres(pool.begin().await?),
        })
    }
}

/// A connection of either database: a transaction (dropped uncommitted,
/// it rolls back) or a plain connection of the pool.
#[derive(Debug)]
pub enum Connection {
    /// An SQLite transaction.
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    /// A PostgreSQL transaction.
    Postgres(sqlx::Transaction<'static, Postgres>),
    /// An SQLite connection outside a transaction.
    SqlitePooled(sqlx::pool::PoolConnection<Sqlite>),
    /// A PostgreSQL connection outside a transaction.
    PostgresPooled(sqlx::pool::PoolConnection<Postgres>),
}

impl Connection {
    /// Commit (a plain connection has nothing to commit).
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        match self {
            Connection::Sqlite(transaction) => transaction.commit().await,
            Connection::Postgres(transaction) => transaction.commit().await,
            Connection::SqlitePooled(_) | Connection::PostgresPooled(_) => Ok(()),
        }
    }
}

/// Where a query runs.
pub enum On<'e> {
    /// Any connection of the pool.
    Pool(&'e Pool),
    /// This transaction.
    Connection(&'e mut Connection),
}

impl<'e> From<&'e Pool> for On<'e> {
    fn from(pool: &'e Pool) -> On<'e> {
        On::Pool(pool)
    }
}

impl<'e> From<&'e mut Connection> for On<'e> {
    fn from(connection: &'e mut Connection) -> On<'e> {
        On::Connection(connection)
    }
}

/// A value bound to a placeholder, with its type (also when it is NULL).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `INTEGER` / `BIGINT`.
    Integer(Option<i64>),
    /// `TEXT`.
    Text(Option<String>),
    /// `BLOB` / `BYTEA`.
    Bytes(Option<Vec<u8>>),
    /// An integer 0/1 in SQLite, `BOOLEAN` in PostgreSQL.
    Bool(Option<bool>),
}

macro_rules! value_from {
    ($variant:ident: $($t:ty => |$v:ident| $e:expr),* $(,)?) => {
        $(impl From<$t> for Value {
            fn from($v: $t) -> Value {
                Value::$variant($e)
            }
        })*
    };
}

value_from!(Integer:
    i64 => |v| Some(v), Option<i64> => |v| v, i32 => |v| Some(i64::from(v)),
    u32 => |v| Some(i64::from(v)), &Option<i64> => |v| *v);
value_from!(Text:
    &str => |v| Some(v.to_string()), String => |v| Some(v), &String => |v| Some(v.clone()),
    Option<String> => |v| v, &Option<String> => |v| v.clone(), Option<&str> => |v| v.map(str::to_string),
    Option<&String> => |v| v.cloned());
value_from!(Bytes:
    Vec<u8> => |v| Some(v), &[u8] => |v| Some(v.to_vec()), &Vec<u8> => |v| Some(v.clone()),
    [u8; 32] => |v| Some(v.to_vec()));
value_from!(Bool: bool => |v| Some(v), Option<bool> => |v| v);

/// The outcome of a statement.
#[derive(Clone, Copy, Debug)]
pub struct Done {
    rows_affected: u64,
}

impl Done {
    /// How many rows it inserted, changed or deleted.
    pub fn rows_affected(&self) -> u64 {
        self.rows_affected
    }
}

/// A row of either database.
pub enum Row {
    /// SQLite.
    Sqlite(SqliteRow),
    /// PostgreSQL.
    Postgres(PgRow),
}

impl Row {
    /// The column `index` (a name or a position) as a `T`, decoded by the
    /// row's own driver.
    pub fn try_get<T, I>(&self, index: I) -> Result<T, sqlx::Error>
    where
        I: ColumnIndex<SqliteRow> + ColumnIndex<PgRow>,
        T: for<'r> Decode<'r, Sqlite> + Type<Sqlite> + for<'r> Decode<'r, Postgres> + Type<Postgres>,
    {
        match self {
            Row::Sqlite(row) => sqlx::Row::try_get(row, index),
            Row::Postgres(row) => sqlx::Row::try_get(row, index),
        }
    }
}

/// A statement and its arguments, run with one of the `fetch` methods or
/// [`Query::execute`].
#[must_use = "a query does nothing until it is run"]
pub struct Query<'q> {
    sql: &'q str,
    values: Vec<Value>,
}

/// The statement `sql` (placeholders `?` or `?N`).
pub fn query(sql: &str) -> Query<'_> {
    Query { sql, values: Vec::new() }
}

/// Bind `values` to a query of driver `DB`.
fn bound<'q, DB>(sql: &'q str, values: Vec<Value>) -> sqlx::query::Query<'q, DB, DB::Arguments<'q>>
where
    DB: sqlx::Database,
    Option<i64>: sqlx::Encode<'q, DB> + Type<DB>,
    Option<String>: sqlx::Encode<'q, DB> + Type<DB>,
    Option<Vec<u8>>: sqlx::Encode<'q, DB> + Type<DB>,
    Option<bool>: sqlx::Encode<'q, DB> + Type<DB>,
{
    values.into_iter().fold(sqlx::query(sql), |query, value| match value {
        Value::Integer(v) => query.bind(v),
        Value::Text(v) => query.bind(v),
        Value::Bytes(v) => query.bind(v),
        Value::Bool(v) => query.bind(v),
    })
}

/// What a query runs on, once the database is known.
enum Executor<'e> {
    SqlitePool(&'e SqlitePool),
    Sqlite(&'e mut SqliteConnection),
    PostgresPool(&'e PgPool),
    Postgres(&'e mut PgConnection),
}

impl<'e> From<On<'e>> for Executor<'e> {
    fn from(on: On<'e>) -> Executor<'e> {
        match on {
            On::Pool(Pool::Sqlite(pool)) => Executor::SqlitePool(pool),
            On::Pool(Pool::Postgres(pool)) => Executor::PostgresPool(pool),
            On::Connection(Connection::Sqlite(transaction)) => Executor::Sqlite(transaction),
            On::Connection(Connection::SqlitePooled(connection)) => Executor::Sqlite(connection),
            On::Connection(Connection::Postgres(transaction)) => Executor::Postgres(transaction),
            On::Connection(Connection::PostgresPooled(connection)) => Executor::Postgres(connection),
        }
    }
}

/// Run `$run` with the query bound for the database `$on` belongs to; `$q`
/// is the bound sqlx query, `$e` the executor; `$sqlite`/`$pg` map the
/// driver's result.
macro_rules! dispatch {
    ($self:ident, $on:ident, |$q:ident, $e:ident| $run:expr, $sqlite:expr, $pg:expr) => {{
        let on: On<'_> = $on.into();
        match Executor::from(on) {
            Executor::SqlitePool($e) => {
                let $q = bound::<Sqlite>($self.sql, $self.values);
                ($sqlite)($run)
            }
            Executor::Sqlite($e) => {
                let $q = bound::<Sqlite>($self.sql, $self.values);
                ($sqlite)($run)
            }
            Executor::PostgresPool($e) => {
                let sql = numbered_placeholders($self.sql);
                let $q = bound::<Postgres>(&sql, $self.values);
                ($pg)($run)
            }
            Executor::Postgres($e) => {
                let sql = numbered_placeholders($self.sql);
                let $q = bound::<Postgres>(&sql, $self.values);
                ($pg)($run)
            }
        }
    }};
}

impl<'q> Query<'q> {
    /// Bind the next placeholder.
    pub fn bind(mut self, value: impl Into<Value>) -> Self {
        self.values.push(value.into());
        self
    }

    /// Run a statement.
    pub async fn execute<'e>(self, on: impl Into<On<'e>>) -> Result<Done, sqlx::Error> {
        dispatch!(
            self,
            on,
            |q, e| q.execute(e).await,
            |r: Result<sqlx::sqlite::SqliteQueryResult, sqlx::Error>| r
                .map(|r| Done { rows_affected: r.rows_affected() }),
            |r: Result<sqlx::postgres::PgQueryResult, sqlx::Error>| r
                .map(|r| Done { rows_affected: r.rows_affected() })
        )
    }

    /// Every row.
    pub async fn fetch_all<'e>(self, on: impl Into<On<'e>>) -> Result<Vec<Row>, sqlx::Error> {
        dispatch!(
            self,
            on,
            |q, e| q.fetch_all(e).await,
            |r: Result<Vec<SqliteRow>, sqlx::Error>| r
                .map(|rows| rows.into_iter().map(Row::Sqlite).collect()),
            |r: Result<Vec<PgRow>, sqlx::Error>| r.map(|rows| rows.into_iter().map(Row::Postgres).collect())
        )
    }

    /// The first row, if there is one.
    pub async fn fetch_optional<'e>(self, on: impl Into<On<'e>>) -> Result<Option<Row>, sqlx::Error> {
        dispatch!(
            self,
            on,
            |q, e| q.fetch_optional(e).await,
            |r: Result<Option<SqliteRow>, sqlx::Error>| r.map(|row| row.map(Row::Sqlite)),
            |r: Result<Option<PgRow>, sqlx::Error>| r.map(|row| row.map(Row::Postgres))
        )
    }

    /// The first row; [`sqlx::Error::RowNotFound`] if there is none.
    pub async fn fetch_one<'e>(self, on: impl Into<On<'e>>) -> Result<Row, sqlx::Error> {
        self.fetch_optional(on).await?.ok_or(sqlx::Error::RowNotFound)
    }
}

/// `sql` with SQLite's placeholders (`?`, `?N`) written as PostgreSQL's
/// (`$N`); a bare `?` is the one after the highest number so far, as in
/// SQLite. Text in quotes is left as it is.
pub fn numbered_placeholders(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    let mut highest = 0u32;
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                let mut digits = String::new();
                while let Some(d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                    digits.push(*d);
                    chars.next();
                }
                let n = digits.parse().unwrap_or(highest + 1);
                highest = highest.max(n);
                out.push('$');
                out.push_str(&n.to_string());
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::numbered_placeholders;

    #[test]
    fn placeholders_are_numbered_as_sqlite_numbers_them() {
        assert_eq!(numbered_placeholders("a = ? AND b = ?"), "a = $1 AND b = $2");
        assert_eq!(numbered_placeholders("a = ?2 OR b = ?1 OR c = ?"), "a = $2 OR b = $1 OR c = $3");
        assert_eq!(numbered_placeholders("a LIKE '?%' AND b = ?"), "a LIKE '?%' AND b = $1");
    }
}
