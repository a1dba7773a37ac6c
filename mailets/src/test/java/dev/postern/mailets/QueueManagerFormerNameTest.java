package dev.postern.mailets;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Constructor;
import java.util.Arrays;

import javax.inject.Inject;

import org.junit.jupiter.api.Test;

class QueueManagerFormerNameTest {
    @Test
    void theFormerNameIsTheQueueManagerAndJamesCanStillMakeIt() {
        assertThat(dev.postern.qmgr.QueueManager.class).isAssignableFrom(QueueManager.class);
        // James makes mailets through Guice: the class it names needs an injectable constructor of its own.
        Constructor<?>[] injectable = Arrays.stream(QueueManager.class.getConstructors())
            .filter(constructor -> constructor.isAnnotationPresent(Inject.class))
            .toArray(Constructor[]::new);
        assertThat(injectable).hasSize(1);
        assertThat(injectable[0].getParameterTypes())
            .containsExactly(Arrays.stream(dev.postern.qmgr.QueueManager.class.getConstructors())
                .filter(constructor -> constructor.isAnnotationPresent(Inject.class))
                .findFirst().orElseThrow().getParameterTypes());
    }
}
