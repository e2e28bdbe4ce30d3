//! Where people are mailed: identity owns the addresses and tells only notify. Lookups of many
//! events at once go out as one call: while a call is on its way, the next requests wait and
//! then share the following call, so a burst costs a few calls instead of one per event.

use common::ids::{OfficeId, UserId};
use std::collections::HashMap;
use tokio::sync::{mpsc, oneshot};

/// identity answers at most this many ids per `ListMailAddresses`.
const ADDRESSES_PER_CALL: usize = 500;

type Traced = tonic::service::interceptor::InterceptedService<
    tonic::transport::Channel,
    common::grpc::TracePropagation,
>;
type Client = proto::identity::identity_client::IdentityClient<Traced>;

/// A user's address and office, as identity knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    pub user_id: UserId,
    pub email: String,
    pub office_id: Option<OfficeId>,
}

type Answer = Result<HashMap<UserId, Address>, tonic::Status>;

struct Lookup {
    users: Vec<UserId>,
    reply: oneshot::Sender<Answer>,
}

#[derive(Clone)]
pub struct Directory {
    client: Client,
    lookups: mpsc::Sender<Lookup>,
}

impl Directory {
    /// Connects lazily to identity and starts the batching task (it ends with the last clone).
    pub fn connect(
        url: &str,
        tls: &common::config::TlsFiles,
        grpc: &common::grpc::GrpcOptions,
    ) -> Result<Self, common::grpc::ChannelError> {
        let client: Client = proto::identity::identity_client::IdentityClient::with_interceptor(
            common::grpc::channel(url, tls, grpc)?,
            common::grpc::TracePropagation,
        );
        let (lookups, queue) = mpsc::channel(1024);
        tokio::spawn(batch(client.clone(), queue));
        Ok(Self { client, lookups })
    }

    /// The addresses of the active ones among `users`; the others get no mail.
    /// identity's client, for the calls that are not batched.
    pub(crate) fn identity(&self) -> Client {
        self.client.clone()
    }

    pub async fn addresses(&self, users: &[UserId]) -> Result<Vec<Address>, tonic::Status> {
        let (reply, answer) = oneshot::channel();
        let gone = || tonic::Status::unavailable("address lookup stopped");
        self.lookups
            .send(Lookup {
                users: users.to_vec(),
                reply,
            })
            .await
            .map_err(|_| gone())?;
        let found = answer.await.map_err(|_| gone())??;
        Ok(users.iter().filter_map(|u| found.get(u).cloned()).collect())
    }

    /// The addresses of an office's active admins.
    pub async fn admins_of(&self, office: OfficeId) -> Result<Vec<Address>, tonic::Status> {
        let reply = self
            .client
            .clone()
            .list_mail_addresses(proto::identity::ListMailAddressesRequest {
                user_ids: Vec::new(),
                office_admins_of: office.to_string(),
            })
            .await?;
        Ok(reply
            .into_inner()
            .addresses
            .into_iter()
            .filter_map(address)
            .collect())
    }
}

fn address(a: proto::identity::MailAddress) -> Option<Address> {
    Some(Address {
        user_id: a.user_id.parse().ok()?,
        email: a.email,
        office_id: a.office_id.parse().ok(),
    })
}

/// Serves the queued lookups: takes whatever is waiting (up to one call's worth of ids), asks
/// once, answers each from the one reply.
async fn batch(client: Client, mut queue: mpsc::Receiver<Lookup>) {
    while let Some(first) = queue.recv().await {
        let mut waiting = vec![first];
        let mut ids: usize = waiting[0].users.len();
        while ids < ADDRESSES_PER_CALL {
            match queue.try_recv() {
                Ok(next) => {
                    ids += next.users.len();
                    waiting.push(next);
                }
                Err(_) => break,
            }
        }
        let mut wanted: Vec<UserId> = waiting
            .iter()
            .flat_map(|l| l.users.iter().copied())
            .collect();
        wanted.sort_unstable();
        wanted.dedup();
        let answer = ask(&client, &wanted).await;
        for lookup in waiting {
            let _ = lookup.reply.send(answer.clone());
        }
    }
}

async fn ask(client: &Client, users: &[UserId]) -> Answer {
    let mut found = HashMap::with_capacity(users.len());
    for chunk in users.chunks(ADDRESSES_PER_CALL) {
        let request = proto::identity::ListMailAddressesRequest {
            user_ids: chunk.iter().map(ToString::to_string).collect(),
            office_admins_of: String::new(),
        };
        let reply = client.clone().list_mail_addresses(request).await?;
        found.extend(
            reply
                .into_inner()
                .addresses
                .into_iter()
                .filter_map(address)
                .map(|a| (a.user_id, a)),
        );
    }
    Ok(found)
}
