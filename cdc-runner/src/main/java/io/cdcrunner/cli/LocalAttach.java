package io.cdcrunner.cli;

import java.io.IOException;

import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;

/** The Attach API part of {@link DaemonConnection}, apart so that a JRE without jdk.attach fails only here. */
final class LocalAttach {

    private LocalAttach() {
    }

    static JMXConnector connect(long pid) throws IOException {
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(String.valueOf(pid));
        } catch (AttachNotSupportedException e) {
            throw new IOException("cannot attach to process " + pid + " (" + e.getMessage()
                    + "): is it a running Java process of this user?", e);
        }
        try {
            return JMXConnectorFactory.connect(new JMXServiceURL(vm.startLocalManagementAgent()));
        } finally {
            vm.detach();
        }
    }
}
