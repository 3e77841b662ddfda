//! `/devices`: the account's devices, and logging one of them out.

use super::AccountSession;
use crate::app::{Failure, Msg};
use crate::runtime::api::ApiClient;

impl AccountSession {
    pub(super) fn list_devices(&self, api: ApiClient) {
        let tx = self.ctx.tx.clone();
        let this = self.ctx.device.clone();
        tokio::spawn(async move {
            let result = api
                .devices()
                .await
                .map(|list| (list, this))
                .map_err(Failure::from);
            let _ = tx.send(Msg::DevicesListed(result));
        });
    }

    pub(super) fn logout_device(&self, api: ApiClient, device: String) {
        let tx = self.ctx.tx.clone();
        tokio::spawn(async move {
            let result = api.delete_device(&device).await.map_err(Failure::from);
            let _ = tx.send(Msg::DeviceLoggedOut { device, result });
        });
    }
}
