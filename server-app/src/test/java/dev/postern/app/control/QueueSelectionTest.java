package dev.postern.app.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class QueueSelectionTest {
    @Test
    void matchesEveryCopyOfAMessageByItsQueueId() {
        QueueSelection selection = QueueSelection.of(List.of("0A1B2C3D4E5F"));

        assertThat(selection.matches("0A1B2C3D4E5F")).isTrue();
        assertThat(selection.matches("0A1B2C3D4E5F-to-example.net")).isTrue();
        assertThat(selection.matches("0A1B2C3D4E60")).isFalse();
        assertThat(selection.matches("Mail1234-0A1B2C3D4E5F")).isFalse();
    }

    @Test
    void allMatchesAnything() {
        assertThat(QueueSelection.of(List.of("ALL")).matches("whatever-name")).isTrue();
    }

    @Test
    void refusesWhatIsNotAQueueIdAndNamesIt() {
        assertThatThrownBy(() -> QueueSelection.of(List.of("../etc")))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"../etc\" is not a queue ID");
        assertThatThrownBy(() -> QueueSelection.of(List.of("all"))).hasMessageContaining("\"all\"");
        assertThatThrownBy(() -> QueueSelection.of(List.of())).hasMessageContaining("no queue ID");
    }
}
