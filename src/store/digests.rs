//! Which digest items each reader has been sent, so none is sent twice.

use std::collections::HashSet;

use super::{now, with_pool, Store};
use crate::Result;

impl Store {
    /// The item keys already sent to `reader` (an e-mail, or a webhook's name).
    pub async fn digest_sent(&self, reader: &str) -> Result<HashSet<String>> {
        let keys: Vec<String> = with_pool!(self, pool => sqlx::query_scalar(
            "select item_key from digest_sent where reader = $1",
        )
        .bind(reader)
        .fetch_all(pool)
        .await?);
        Ok(keys.into_iter().collect())
    }

    /// Notes items as sent to `reader`.
    pub async fn note_digest_sent<'k>(
        &self,
        reader: &str,
        keys: impl Iterator<Item = &'k str>,
    ) -> Result<()> {
        let at = now();
        for key in keys {
            with_pool!(self, pool => sqlx::query(
                "insert into digest_sent (reader, item_key, sent_at) values ($1, $2, $3)
                 on conflict (reader, item_key) do nothing",
            )
            .bind(reader)
            .bind(key)
            .bind(at)
            .execute(pool)
            .await
            .map(|_| ()))?;
        }
        Ok(())
    }
}
