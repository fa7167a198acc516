package dev.petrel.deliver;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * Delivery reports facts and never writes the store (docs/architecture.md): it knows the shared
 * model and the status engine, not the queue or the listener; the simulator knows nothing of the
 * client: besides the JDK it uses only the SMTP grammar it shares with the listener ({@code
 * protocol}) and the address values that grammar gives ({@code model}).
 */
class DeliverArchitectureTest {

  static final JavaClasses CLASSES =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.petrel");

  @Test
  void deliveryDoesNotReachTheQueueOrTheListener() {
    noClasses()
        .that()
        .resideInAPackage("dev.petrel.deliver..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.petrel.queue..", "dev.petrel.accept..", "dev.petrel.app..")
        .check(CLASSES);
  }

  @Test
  void theSimulatorStandsAlone() {
    classes()
        .that()
        .resideInAPackage("dev.petrel.deliver.sim..")
        .should()
        .onlyDependOnClassesThat()
        .resideInAnyPackage(
            "java..",
            "javax..",
            "dev.petrel.deliver.sim..",
            "dev.petrel.protocol..",
            "dev.petrel.model..")
        .check(CLASSES);
  }
}
