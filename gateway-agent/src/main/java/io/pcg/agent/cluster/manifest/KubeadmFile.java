package io.pcg.agent.cluster.manifest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One entry of {@code kubeadmConfigSpec.files}: a file cloud-init writes on every control-plane node before kubeadm
 * runs, owned by root. Its content is either inline or, when it holds a secret, read by CABPK from a Secret in the
 * cluster's namespace ({@code contentFrom}), so the secret never appears in the KubeadmControlPlane.
 *
 * @param append add to the end of an existing file instead of replacing it
 */
record KubeadmFile(
        String path, String permissions, boolean append, String content, String secretName, String secretKey) {

    static KubeadmFile inline(String path, String permissions, String content) {
        return new KubeadmFile(path, permissions, false, content, null, null);
    }

    static KubeadmFile fromSecret(
            String path, String permissions, boolean append, String secretName, String secretKey) {
        return new KubeadmFile(path, permissions, append, null, secretName, secretKey);
    }

    ObjectNode toManifest() {
        ObjectNode file = JsonNodeFactory.instance
                .objectNode()
                .put("path", path)
                .put("owner", "root:root")
                .put("permissions", permissions);
        if (append) {
            file.put("append", true);
        }
        if (content != null) {
            file.put("content", content);
        } else {
            file.putObject("contentFrom")
                    .putObject("secret")
                    .put("name", secretName)
                    .put("key", secretKey);
        }
        return file;
    }
}
