package dev.zdd.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The man pages come from the command model: every command, its options with defaults, its exit codes. */
class ManPagesTest {

    @TempDir
    Path folder;

    @Test
    void writesOnePagePerCommand() throws IOException {
        ManPages.main(new String[] {folder.toString()});

        assertThat(folder.toFile().list())
                .contains("zdd.1", "zdd-redeploy.1", "zdd-services.1", "zdd-report.1", "zdd-completion.1");
    }

    @Test
    void describesRedeploy_optionsWithDefaults_exitCodes_environment_examples() throws IOException {
        ManPages.main(new String[] {folder.toString()});
        String page = Files.readString(folder.resolve("zdd-redeploy.1"));

        assertThat(page).startsWith(".TH ZDD\\-REDEPLOY 1 ")
                .contains(".SH SYNOPSIS\n.B zdd redeploy\n[OPTIONS] SERVICE...\n")
                .contains("\\fB\\-\\-drain\\-delay\\fR=\\fIDURATION\\fR\nAfter a service is back, wait this long"
                          + " before touching the next (default 10s; 0s with \\-\\-lb,")
                .contains("\\fB\\-\\-lb\\fR=\\fIURL\\fR\n", ".B ZDD_LB_AUTH\n")
                .contains("\\fB\\-\\-platform\\fR=\\fINAME\\fR\n", "\\fB\\-\\-no\\-color\\fR\n",
                        "\\fB\\-\\-report\\fR=\\fIFILE\\fR\n")
                .contains(".SH EXIT STATUS\n.TP\n.B 0\n", ".B 130\ninterrupted")
                .contains(".B NO_COLOR\n", ".B TUTUM_APIKEY, DOCKERCLOUD_APIKEY\n", ".I ~/.tutum\n")
                .contains(".SH EXAMPLES\n", "zdd redeploy \\-\\-dry\\-run web\\-1 web\\-2\n")
                .contains(".SH SEE ALSO\n\\fBzdd\\fR(1)\n");
    }

    @Test
    void namesEveryVariableThatChoosesTheWayToThePlatform() throws IOException {
        ManPages.main(new String[] {folder.toString()});

        for (String page : new String[] {"zdd-redeploy.1", "zdd-services.1"}) {
            assertThat(Files.readString(folder.resolve(page))).as(page)
                    .contains(".B DOCKER_HOST\n", ".B DOCKER_TLS_VERIFY\n", ".B DOCKER_CERT_PATH\n",
                            ".B TUTUM_STREAM_HOST, DOCKERCLOUD_STREAM_HOST\n", ".B HTTPS_PROXY, HTTP_PROXY\n",
                            ".B NO_PROXY\n");
        }
    }

    @Test
    void guardsWhatRoffWouldTakeForARequestOrAnEscape() {
        assertThat(ManPages.roff(".hidden 'quoted' C:\\dir --x")).isEqualTo("\\&.hidden 'quoted' C:\\edir \\-\\-x");
        assertThat(ManPages.roff("'tick")).isEqualTo("\\&'tick");
    }
}
