//! The CPU-heavy work (argon2id, 19 MiB and some tens of milliseconds per hash; certificate
//! issuance with its PKCS#12 key derivation) runs on tokio's blocking threads, never on the
//! async workers, which also answer every page's session check. At most `size` such jobs run
//! at once; the others wait their turn in order. The bound is what caps identity's memory in a
//! burst of logins: each running hash holds 19 MiB, so the peak is about `size` × 19 MiB above
//! the idle footprint (`IDENTITY_CPU_WORKERS`, sized with the container's memory limit in
//! deploy/k8s).

use crate::error::{Error, Result};
use std::sync::Arc;
use tokio::sync::Semaphore;

#[derive(Clone)]
pub struct CpuPool {
    permits: Arc<Semaphore>,
}

impl CpuPool {
    #[must_use]
    pub fn new(size: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(size.max(1))),
        }
    }

    /// Runs `job` on a blocking thread once a place is free. The place is held by the job
    /// itself, so a caller that gives up (a client gone) does not let another job start while
    /// this one still runs.
    pub async fn run<T, F>(&self, job: F) -> Result<T>
    where
        T: Send + 'static,
        F: FnOnce() -> T + Send + 'static,
    {
        let permit = self
            .permits
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| Error::Internal("CPU pool closed".into()))?;
        tokio::task::spawn_blocking(move || {
            let _held = permit;
            job()
        })
        .await
        .map_err(|e| Error::Internal(format!("CPU job failed: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn no_more_than_its_size_run_at_once_and_the_async_workers_stay_free() {
        let pool = CpuPool::new(2);
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let jobs: Vec<_> = (0..8)
            .map(|_| {
                let (pool, running, most) = (pool.clone(), running.clone(), most.clone());
                tokio::spawn(async move {
                    pool.run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(50));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                })
            })
            .collect();
        // While eight jobs queue on two places, an async task is answered at once.
        let started = std::time::Instant::now();
        tokio::time::sleep(Duration::from_millis(1)).await;
        assert!(started.elapsed() < Duration::from_millis(40));
        for job in jobs {
            job.await.unwrap().unwrap();
        }
        assert_eq!(most.load(Ordering::SeqCst), 2);
    }
}
