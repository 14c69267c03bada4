package io.cdcrunner.cli;

import picocli.CommandLine;

/** Reports the version from the jar manifest. */
final class Version implements CommandLine.IVersionProvider {

    @Override
    public String[] getVersion() {
        String version = CdcRunner.class.getPackage().getImplementationVersion();
        return new String[] {"cdc-runner " + (version == null ? "(development build)" : version)};
    }
}
