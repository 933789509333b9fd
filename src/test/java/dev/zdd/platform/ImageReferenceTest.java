package dev.zdd.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageReferenceTest {

    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void readsRegistryPathTagAndDigest_andWritesThemBackAsGiven() {
        ImageReference ref = ImageReference.parse("127.0.0.1:5000/shop/web:2.1@" + DIGEST);

        assertThat(ref).isEqualTo(new ImageReference("127.0.0.1:5000", "shop/web", "2.1", DIGEST));
        assertThat(ref.registry()).isEqualTo("127.0.0.1:5000");
        assertThat(ref).hasToString("127.0.0.1:5000/shop/web:2.1@" + DIGEST);
        assertThat(ref.withoutDigest()).hasToString("127.0.0.1:5000/shop/web:2.1");
    }

    @Test
    void aFirstPartWithoutDotOrColon_isAPathOnDockerHub() {
        assertThat(ImageReference.parse("nginx").registry()).isEqualTo(ImageReference.DOCKER_HUB);
        assertThat(ImageReference.parse("library/nginx:1.25").registry()).isEqualTo(ImageReference.DOCKER_HUB);
        assertThat(ImageReference.parse("index.docker.io/library/nginx").onDockerHub()).isTrue();
        assertThat(ImageReference.parse("localhost/web").registry()).isEqualTo("localhost");
        assertThat(ImageReference.parse("registry.example.com/web").registry()).isEqualTo("registry.example.com");
    }

    @Test
    void aReferenceWithoutTagMeansLatest_andKeepsNoTagWhenWritten() {
        ImageReference ref = ImageReference.parse("localhost:5000/web");

        assertThat(ref.tag()).isNull();
        assertThat(ref.tagOrLatest()).isEqualTo("latest");
        assertThat(ref).hasToString("localhost:5000/web");
    }

    @Test
    void refusesWhatDockerRefuses_sayingWhy() {
        assertThatThrownBy(() -> ImageReference.parse("Web:1")).hasMessageContaining("not a repository name");
        assertThatThrownBy(() -> ImageReference.parse("web:-1")).hasMessageContaining("not a tag");
        assertThatThrownBy(() -> ImageReference.parse("web@sha256:12")).hasMessageContaining("not a digest");
        assertThatThrownBy(() -> ImageReference.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> ImageReference.parse(":latest")).hasMessageContaining("names no repository");
        assertThatThrownBy(() -> ImageReference.parse("a b")).hasMessageContaining("not a repository name");
    }
}
