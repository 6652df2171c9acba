<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>ClassWindow</name>
    <message>
        <location filename="../class_view.py" line="47"/>
        <source>ai_nano — the class</source>
        <translation>ai_nano — la classe</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="51"/>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="49"/>
        <source>Owner</source>
        <translation>Propriétaire</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="49"/>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="49"/>
        <source>Queue</source>
        <translation>File d’attente</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="49"/>
        <source>Epoch</source>
        <translation>Époque</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="49"/>
        <source>Best val acc</source>
        <translation>Meilleure précision (val.)</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="51"/>
        <source>Nano</source>
        <translation>Nano</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="51"/>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="51"/>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="53"/>
        <source>Reading the class…</source>
        <translation>Lecture de la classe…</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="54"/>
        <source>Stop the training</source>
        <translation>Arrêter l’entraînement</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="55"/>
        <source>Stop the Nano&apos;s inference (LEDs off)</source>
        <translation>Arrêter l’inférence de la Nano (LED éteintes)</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="56"/>
        <source>Blink the Nano&apos;s LEDs</source>
        <translation>Faire clignoter les LED de la Nano</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="61"/>
        <source>no DL server</source>
        <translation>aucun serveur DL</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="62"/>
        <source>Trainings on {dl}</source>
        <translation>Entraînements sur {dl}</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="65"/>
        <source>Jetson Nanos</source>
        <translation>Cartes Jetson Nano</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="105"/>
        <source>Trainings: {trainings} · Nanos in use: {used} of {nanos}</source>
        <translation>Entraînements : {trainings} · Nano occupées : {used} sur {nanos}</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="112"/>
        <source>none</source>
        <translation>aucun</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="112"/>
        <source>waiting</source>
        <translation>en attente</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="113"/>
        <source>pending</source>
        <translation>en file</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="113"/>
        <source>running</source>
        <translation>en cours</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="114"/>
        <source>finished</source>
        <translation>terminé</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="114"/>
        <source>failed</source>
        <translation>échoué</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="115"/>
        <source>cancelled</source>
        <translation>annulé</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="121"/>
        <source>{count} ahead</source>
        <translation>{count} avant</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="153"/>
        <source>Still running, wait a moment</source>
        <translation>Encore en cours, patientez un instant</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="163"/>
        <source>Choose a training first</source>
        <translation>Choisissez d’abord un entraînement</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="165"/>
        <source>Stop the training {model} of {owner}?</source>
        <translation>Arrêter l’entraînement {model} de {owner} ?</translation>
    </message>
    <message>
        <location filename="../class_view.py" line="173"/>
        <source>Choose a Nano first</source>
        <translation>Choisissez d’abord une Nano</translation>
    </message>
</context>
<context>
    <name>GUI_ai_nano</name>
    <message>
        <location filename="../window_steps.py" line="92"/>
        <source>Warning: {0}</source>
        <translation>Attention : {0}</translation>
    </message>
    <message>
        <location filename="../ai_nano.py" line="127"/>
        <source>{0}: no DL server configured</source>
        <translation>{0} : aucun serveur DL configuré</translation>
    </message>
    <message>
        <location filename="../window_tasks.py" line="83"/>
        <source>Ready</source>
        <translation>Prêt</translation>
    </message>
    <message>
        <location filename="../ai_nano.py" line="219"/>
        <source>Selection of {0} as working space</source>
        <translation>Choix de {0} comme espace de travail</translation>
    </message>
    <message>
        <location filename="../ai_nano.py" line="230"/>
        <source>bringing the pictures in…</source>
        <translation>import des images…</translation>
    </message>
    <message>
        <location filename="../ai_nano.py" line="239"/>
        <source>Existing project: {0}</source>
        <translation>Projet existant : {0}</translation>
    </message>
    <message>
        <location filename="../ai_nano.py" line="239"/>
        <source>{0} ({1} images)</source>
        <translation>{0} ({1} images)</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="151"/>
        <source>Choose a working space first</source>
        <translation>Choisissez d’abord un espace de travail</translation>
    </message>
    <message>
        <location filename="../ai_nano.py" line="287"/>
        <source>Project created: {0} classes</source>
        <translation>Projet créé : {0} classes</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="19"/>
        <source>Start here: choose a working space (a folder for your project), set the number of classes and the camera, then press 1 - Create the project.</source>
        <translation>Commencez ici : choisissez un espace de travail (un dossier pour votre projet), le nombre de classes et la caméra, puis cliquez sur 1 - Créer le projet.</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="22"/>
        <source>1 - Project</source>
        <translation>1 - Projet</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="27"/>
        <source>Working space</source>
        <translation>Espace de travail</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="30"/>
        <source>The folder of your project: its pictures, split and state live there. Type a folder (a new one is made) or choose one with …</source>
        <translation>Le dossier de votre projet : ses images, leur répartition et son état y sont rangés. Tapez un dossier (un nouveau est créé) ou choisissez-en un avec …</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="30"/>
        <source>type a folder, or choose one with …</source>
        <translation>tapez un dossier ou choisissez-le avec …</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="31"/>
        <source>Choose the working space in a folder dialog (you can make a new folder there)</source>
        <translation>Choisir l’espace de travail dans une fenêtre de dossiers (vous pouvez y créer un nouveau dossier)</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="34"/>
        <source>Classes</source>
        <translation>Classes</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="35"/>
        <source>How many classes (kinds of objects) your model tells apart; each gets a form in step 2</source>
        <translation>Combien de classes (types d’objets) votre modèle distingue ; chacune a son formulaire à l’étape 2</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="36"/>
        <source>Camera</source>
        <translation>Caméra</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="37"/>
        <source>The camera that records: one found on this computer, or type an index (0), a device (/dev/video0), a video file or a stream URL. What you type is used, no Enter needed</source>
        <translation>La caméra qui enregistre : une caméra trouvée sur cet ordinateur, ou tapez un numéro (0), un périphérique (/dev/video0), un fichier vidéo ou l’URL d’un flux. Ce que vous tapez est utilisé, sans appuyer sur Entrée</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="38"/>
        <source>1 - Create the project</source>
        <translation>1 - Créer le projet</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="38"/>
        <source>Make the project in the working space: one form per class appears in step 2, where you name each class and record its pictures</source>
        <translation>Crée le projet dans l’espace de travail : un formulaire par classe apparaît à l’étape 2, où vous nommez chaque classe et enregistrez ses images</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="46"/>
        <source>Name each class and press Create, then Start (or Space) records its pictures until Stop. Move the object, vary the light and the background.</source>
        <translation>Nommez chaque classe et cliquez sur Créer, puis Démarrer (ou Espace) enregistre ses images jusqu’à Arrêter. Bougez l’objet, variez la lumière et le fond.</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="74"/>
        <source>3 - Split the pictures</source>
        <translation>3 - Répartir les images</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="75"/>
        <source>4 - Upload to the DL server</source>
        <translation>4 - Envoyer au serveur DL</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="75"/>
        <source>Send the split pictures to the DL server as one tar archive. Next: step 5 trains the model there</source>
        <translation>Envoie les images réparties au serveur DL en une archive tar. Ensuite : l’étape 5 y entraîne le modèle</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="76"/>
        <source>5 - Train the model</source>
        <translation>5 - Entraîner le modèle</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="76"/>
        <source>Train the ResNet-18 model on the DL server; the Training tab shows its progress. Next: step 6</source>
        <translation>Entraîne le modèle ResNet-18 sur le serveur DL ; l’onglet Entraînement montre sa progression. Ensuite : l’étape 6</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="77"/>
        <source>6 - Convert to ONNX and test</source>
        <translation>6 - Convertir en ONNX et tester</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="77"/>
        <source>Export the best model to ONNX and test it on the test set (Test results tab). Next: step 7</source>
        <translation>Exporte le meilleur modèle en ONNX et le teste sur l’ensemble de test (onglet Résultats du test). Ensuite : l’étape 7</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="78"/>
        <source>Nano</source>
        <translation>Nano</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="79"/>
        <source>The Jetson Nano that runs your model (steps 7 and 8)</source>
        <translation>La Jetson Nano qui exécute votre modèle (étapes 7 et 8)</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="80"/>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="81"/>
        <source>The model step 8 runs: your project&apos;s, or one already on the Nano</source>
        <translation>Le modèle que l’étape 8 exécute : celui de votre projet, ou un modèle déjà sur la Nano</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="82"/>
        <source>7 - Upload to the Nano</source>
        <translation>7 - Envoyer sur la Nano</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="82"/>
        <source>Copy the ONNX model and its labels to the chosen Nano. Next: step 8 runs it</source>
        <translation>Copie le modèle ONNX et ses étiquettes sur la Nano choisie. Ensuite : l’étape 8 l’exécute</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="85"/>
        <source>8 - Run on the Nano</source>
        <translation>8 - Lancer sur la Nano</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="85"/>
        <source>Run the model on the Nano&apos;s camera: the Live tab shows what it sees and which LED is on</source>
        <translation>Exécute le modèle sur la caméra de la Nano : l’onglet En direct montre ce qu’elle voit et quelle LED est allumée</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="86"/>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="86"/>
        <source>Stop what is running: an upload, a training or conversion (cancelled on the DL server), the inference on the Nano</source>
        <translation>Arrête ce qui est en cours : un envoi, un entraînement ou une conversion (annulés sur le serveur DL), l’inférence sur la Nano</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="91"/>
        <source>Progress of the running step</source>
        <translation>Progression de l’étape en cours</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="92"/>
        <source>What the app is doing, or the last problem</source>
        <translation>Ce que fait l’application, ou le dernier problème</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="120"/>
        <source>No camera</source>
        <translation>Pas de caméra</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="106"/>
        <source>Log</source>
        <translation>Journal</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="109"/>
        <source>Training</source>
        <translation>Entraînement</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="110"/>
        <source>Test results</source>
        <translation>Résultats du test</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="111"/>
        <source>Live</source>
        <translation>En direct</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="112"/>
        <source>Machines</source>
        <translation>Machines</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="74"/>
        <source>Check the pictures and split them into train, val and test sets (80/10/10). Next: step 4 uploads them</source>
        <translation>Vérifie les images et les répartit en ensembles d’entraînement, de validation et de test (80/10/10). Ensuite : l’étape 4 les envoie</translation>
    </message>
    <message>
        <location filename="../ai_nano.ui" line="45"/>
        <source>2 - Record each class</source>
        <translation>2 - Enregistrer chaque classe</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="76"/>
        <source>{0} is already running</source>
        <translation>{0} est déjà en cours</translation>
    </message>
    <message>
        <location filename="../window_tasks.py" line="57"/>
        <source>Working…</source>
        <translation>Travail en cours…</translation>
    </message>
    <message>
        <location filename="../window_tasks.py" line="73"/>
        <source>Opening the working space</source>
        <translation>Ouverture de l’espace de travail</translation>
    </message>
    <message>
        <location filename="../window_tasks.py" line="124"/>
        <source>Stopping {0}…</source>
        <translation>Arrêt de {0}…</translation>
    </message>
    <message>
        <location filename="../window_tasks.py" line="129"/>
        <source>Host key of {0} remembered; press the step again.</source>
        <translation>Clé de {0} enregistrée ; relancez l’étape.</translation>
    </message>
    <message>
        <location filename="../window_tasks.py" line="138"/>
        <source>Unknown machine</source>
        <translation>Machine inconnue</translation>
    </message>
    <message>
        <location filename="../window_tasks.py" line="138"/>
        <source>{0}

The key&apos;s fingerprint is
{1} {2}

Compare it with the one your instructor gave. Trust this machine?</source>
        <translation>{0}

L’empreinte de sa clé est
{1} {2}

Comparez-la avec celle donnée par votre enseignant. Faire confiance à cette machine ?</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="86"/>
        <source>3 - checking the pictures…</source>
        <translation>3 - vérification des images…</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="94"/>
        <source>Split cancelled: record more images, then split again</source>
        <translation>Répartition annulée : enregistrez plus d’images, puis relancez la répartition</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="97"/>
        <source>3 - splitting…</source>
        <translation>3 - répartition…</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="103"/>
        <source>Split anyway?</source>
        <translation>Répartir quand même ?</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="103"/>
        <source>Split the images anyway?</source>
        <translation>Répartir les images quand même ?</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="113"/>
        <source>4 - uploading…</source>
        <translation>4 - envoi…</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="139"/>
        <source>5 - training…</source>
        <translation>5 - entraînement…</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="150"/>
        <source>6 - converting…</source>
        <translation>6 - conversion…</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="176"/>
        <source>Choose a Nano first</source>
        <translation>Choisissez d’abord une Nano</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="166"/>
        <source>7 - uploading to the Nano…</source>
        <translation>7 - envoi vers la Nano…</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="84"/>
        <source>8 - running on the Nano…</source>
        <translation>8 - exécution sur la Nano…</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="195"/>
        <source>No DL server in config.json</source>
        <translation>Aucun serveur DL dans config.json</translation>
    </message>
    <message>
        <location filename="../window_steps.py" line="200"/>
        <source>No model yet: upload the data to the DL server first (step 4)</source>
        <translation>Pas encore de modèle : envoyez d’abord les données au serveur DL (étape 4)</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="60"/>
        <source>The Nano&apos;s camera ({0})</source>
        <translation>La caméra de la Nano ({0})</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="97"/>
        <source>The webcam {0} is lent to {1} while it runs; the preview shows the Nano&apos;s camera</source>
        <translation>La webcam {0} est prêtée à {1} pendant qu’elle tourne ; l’aperçu montre la caméra de la Nano</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="107"/>
        <source>Nano camera: waiting for its pictures…</source>
        <translation>Caméra de la Nano : en attente de ses images…</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="120"/>
        <source>Opening the camera…</source>
        <translation>Ouverture de la caméra…</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="125"/>
        <source>The webcam {0} is back in the preview</source>
        <translation>La webcam {0} est revenue dans l’aperçu</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="141"/>
        <source>Nano camera</source>
        <translation>Caméra de la Nano</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="148"/>
        <source>No inference running: start step 8 first</source>
        <translation>Aucune inférence en cours : lancez d’abord l’étape 8</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="155"/>
        <source>Asking {0} for its picture of '{1}'…</source>
        <translation>Demande à {0} de son image de « {1} »…</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="169"/>
        <source>The Nano&apos;s picture was saved as {0} (class &apos;{1}&apos;); split again before the next training</source>
        <translation>L’image de la Nano est enregistrée sous {0} (classe « {1} ») ; refaites la répartition avant le prochain entraînement</translation>
    </message>
    <message>
        <location filename="../window_nano_view.py" line="179"/>
        <source>The Nano&apos;s picture does not decode: not saved</source>
        <translation>L’image de la Nano ne se décode pas : non enregistrée</translation>
    </message>
</context>
<context>
    <name>HistoryPanel</name>
    <message>
        <location filename="../widgets/history.py" line="102"/>
        <source>No training yet.</source>
        <translation>Pas encore d’entraînement.</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="48"/>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="48"/>
        <source>Model</source>
        <translation>Modèle</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="48"/>
        <source>Classes</source>
        <translation>Classes</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="48"/>
        <source>Pictures</source>
        <translation>Images</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="48"/>
        <source>Settings</source>
        <translation>Paramètres</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="48"/>
        <source>Best val.</source>
        <translation>Meilleure val.</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="48"/>
        <source>Test</source>
        <translation>Test</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="48"/>
        <source>Where</source>
        <translation>Où</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="56"/>
        <source>Refresh</source>
        <translation>Actualiser</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="57"/>
        <source>Use this model (steps 6–8)</source>
        <translation>Utiliser ce modèle (étapes 6 à 8)</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="58"/>
        <source>Save to this computer…</source>
        <translation>Enregistrer sur cet ordinateur…</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="59"/>
        <source>Compare the two selected</source>
        <translation>Comparer les deux sélectionnés</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="67"/>
        <source>Validation accuracy (%)</source>
        <translation>Précision de validation (%)</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="68"/>
        <source>Validation loss</source>
        <translation>Perte de validation</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="72"/>
        <source>epoch</source>
        <translation>époque</translation>
    </message>
    <message>
        <location filename="../widgets/history.py" line="102"/>
        <source>{0} training(s) of this project, newest first. Select one to use or save it, two to compare them.</source>
        <translation>{0} entraînement(s) de ce projet, du plus récent au plus ancien. Sélectionnez-en un pour l’utiliser ou l’enregistrer, deux pour les comparer.</translation>
    </message>
</context>
<context>
    <name>LivePanel</name>
    <message>
        <location filename="../widgets/live.py" line="166"/>
        <source>not running</source>
        <translation>à l’arrêt</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="209"/>
        <source>The Nano reported an error: {0}</source>
        <translation>La Nano a signalé une erreur : {0}</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="96"/>
        <source>Wrong? It was…</source>
        <translation>Faux ? C’était…</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="136"/>
        <source>starting…</source>
        <translation>démarrage…</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="167"/>
        <source>Inference stopped.</source>
        <translation>Inférence arrêtée.</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="168"/>
        <source>Inference ended: end of the video.</source>
        <translation>Inférence terminée : fin de la vidéo.</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="169"/>
        <source>Inference ended: the Nano&apos;s camera was lost.</source>
        <translation>Inférence terminée : la caméra de la Nano a été perdue.</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="170"/>
        <source>Inference ended with an error.</source>
        <translation>Inférence terminée sur une erreur.</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="171"/>
        <source>Inference ended.</source>
        <translation>Inférence terminée.</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="273"/>
        <source>Copy the Nano&apos;s current picture into the pictures of &apos;{0}&apos;: the next training learns from the Nano&apos;s own camera</source>
        <translation>Copier l’image actuelle de la Nano dans les images de « {0} » : le prochain entraînement apprend de la caméra de la Nano elle-même</translation>
    </message>
    <message>
        <location filename="../widgets/live.py" line="232"/>
        <source>{0} % confidence</source>
        <translation>confiance {0} %</translation>
    </message>
</context>
<context>
    <name>LogView</name>
    <message>
        <location filename="../widgets/log_view.py" line="78"/>
        <source>Warning: {0}</source>
        <translation>Attention : {0}</translation>
    </message>
    <message>
        <location filename="../widgets/log_view.py" line="86"/>
        <source>✓ done: {0}</source>
        <translation>✓ terminé : {0}</translation>
    </message>
    <message>
        <location filename="../widgets/log_view.py" line="89"/>
        <source>✗ failed: {0}</source>
        <translation>✗ échec : {0}</translation>
    </message>
    <message>
        <location filename="../widgets/log_view.py" line="74"/>
        <source>ERROR: {0}</source>
        <translation>ERREUR : {0}</translation>
    </message>
</context>
<context>
    <name>MachineStatusPanel</name>
    <message>
        <location filename="../widgets/machines_table.py" line="19"/>
        <source>Reachable</source>
        <translation>Joignable</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="20"/>
        <source>Login</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="21"/>
        <source>Python</source>
        <translation>Python</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="22"/>
        <source>PyTorch / runtime</source>
        <translation>PyTorch / moteur</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="23"/>
        <source>Camera</source>
        <translation>Caméra</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="24"/>
        <source>Free disk</source>
        <translation>Disque libre</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="53"/>
        <source>Not checked yet.</source>
        <translation>Pas encore vérifié.</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="69"/>
        <source>Check again</source>
        <translation>Vérifier à nouveau</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="56"/>
        <source>Check again that the DL server and the Nanos are reachable and ready</source>
        <translation>Vérifier à nouveau que le serveur DL et les Nano sont joignables et prêts</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="69"/>
        <source>Checking…</source>
        <translation>Vérification…</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="71"/>
        <source>Checking the machines…</source>
        <translation>Vérification des machines…</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="91"/>
        <source>No machines in config.json.</source>
        <translation>Aucune machine dans config.json.</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="91"/>
        <source>All machines ready.</source>
        <translation>Toutes les machines sont prêtes.</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="91"/>
        <source>Not ready: {0} (hover a red cell for the reason).</source>
        <translation>Pas prêt : {0} (survolez une case rouge pour la raison).</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="98"/>
        <source>DL server</source>
        <translation>serveur DL</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="98"/>
        <source>Nano</source>
        <translation>Nano</translation>
    </message>
    <message>
        <location filename="../widgets/machines_table.py" line="85"/>
        <source>{0}: {1}</source>
        <translation>{0} : {1}</translation>
    </message>
</context>
<context>
    <name>MistakesPanel</name>
    <message>
        <location filename="../widgets/mistakes.py" line="169"/>
        <source>Click a picture to see it larger.</source>
        <translation>Cliquez sur une image pour l’agrandir.</translation>
    </message>
    <message>
        <location filename="../widgets/mistakes.py" line="60"/>
        <source>Move to class …</source>
        <translation>Déplacer vers la classe …</translation>
    </message>
    <message>
        <location filename="../widgets/mistakes.py" line="61"/>
        <source>The picture is in the wrong class folder: move it (it gets a new number there; the next upload splits again).</source>
        <translation>L’image est dans le dossier d’une autre classe : déplacez-la (elle y reçoit un nouveau numéro ; le prochain envoi refait la répartition).</translation>
    </message>
    <message>
        <location filename="../widgets/mistakes.py" line="97"/>
        <source>What went wrong</source>
        <translation>Ce qui n’a pas marché</translation>
    </message>
    <message>
        <location filename="../widgets/mistakes.py" line="113"/>
        <source>test/{0}: a &apos;{1}&apos; picture answered as &apos;{2}&apos; with {3:.0f} % confidence</source>
        <translation>test/{0} : une image « {1} » reconnue comme « {2} » avec une confiance de {3:.0f} %</translation>
    </message>
    <message>
        <location filename="../widgets/mistakes.py" line="120"/>
        <source>{0} wrong test picture(s), the most confident mistakes first:</source>
        <translation>{0} image(s) de test mal reconnue(s), les erreurs commises avec le plus de confiance en premier :</translation>
    </message>
    <message>
        <location filename="../widgets/mistakes.py" line="120"/>
        <source>No wrong test picture.</source>
        <translation>Aucune image de test mal reconnue.</translation>
    </message>
    <message>
        <location filename="../widgets/mistakes.py" line="161"/>
        <source>{0} wrong test picture(s) left to look at (moved pictures count at the next training).</source>
        <translation>{0} image(s) de test mal reconnue(s) encore à examiner (les images déplacées comptent au prochain entraînement).</translation>
    </message>
    <message>
        <location filename="../widgets/mistakes.py" line="181"/>
        <source>(picture not on this computer any more)</source>
        <translation>(image plus présente sur cet ordinateur)</translation>
    </message>
    <message>
        <location filename="../widgets/mistakes.py" line="183"/>
        <source>{0}: labelled &apos;{1}&apos;, the model answered &apos;{2}&apos; ({3:.0f} %). Is the label wrong? Move it.</source>
        <translation>{0} : étiquetée « {1} », le modèle a répondu « {2} » ({3:.0f} %). L’étiquette est-elle fausse ? Déplacez l’image.</translation>
    </message>
</context>
<context>
    <name>RecordImagesForm</name>
    <message>
        <location filename="../record_images.py" line="146"/>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="147"/>
        <source>Importing {0} item(s) into {1!r}</source>
        <translation>Import de {0} élément(s) dans {1!r}</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="341"/>
        <source>Another form already records class {0!r}: choose another name.</source>
        <translation>Un autre formulaire enregistre déjà la classe {0!r} : choisissez un autre nom.</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="231"/>
        <source>Stop</source>
        <translation>Arrêter</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="17"/>
        <source>Start</source>
        <translation>Démarrer</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="218"/>
        <source>No camera: choose a camera in the project settings first.</source>
        <translation>Pas de caméra : choisissez d’abord une caméra dans les réglages du projet.</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="222"/>
        <source>Start recording {0}</source>
        <translation>Début de l’enregistrement de {0}</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="226"/>
        <source>Stop recording {0}</source>
        <translation>Fin de l’enregistrement de {0}</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="279"/>
        <source>Moved {0} image(s) of {1!r} to the trash ({2}).</source>
        <translation>{0} image(s) de {1!r} mise(s) à la corbeille ({2}).</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="288"/>
        <source>Import into {0}</source>
        <translation>Importer dans {0}</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="288"/>
        <source>Pictures and videos ({0});;All files (*)</source>
        <translation>Images et vidéos ({0});;Tous les fichiers (*)</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="295"/>
        <source>importing {0}/{1}</source>
        <translation>import {0}/{1}</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="300"/>
        <source>{0} file(s) not imported into {1!r}: {2}</source>
        <translation>{0} fichier(s) non importé(s) dans {1!r} : {2}</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="19"/>
        <source>Import…</source>
        <translation>Importer…</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="319"/>
        <source>Stop recording {0!r} first.</source>
        <translation>Arrêtez d’abord l’enregistrement de {0!r}.</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="321"/>
        <source>Wait for the import into {0!r} to end (or cancel it).</source>
        <translation>Attendez la fin de l’import dans {0!r} (ou annulez-le).</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="334"/>
        <source>Save name</source>
        <translation>Enregistrer le nom</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="20"/>
        <source>Rename</source>
        <translation>Renommer</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="351"/>
        <source>Renamed class {0!r} to {1!r}: split again before uploading.</source>
        <translation>Classe {0!r} renommée en {1!r} : répartissez à nouveau avant l’envoi.</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="363"/>
        <source>Remove class {0!r}? Its {1} picture(s) go to the trash (.ai_nano/trash), from where they can be restored.</source>
        <translation>Supprimer la classe {0!r} ? Ses {1} image(s) vont à la corbeille (.ai_nano/trash), d’où elles peuvent être restaurées.</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="372"/>
        <source>Removed class {0!r}: its pictures are in {1}.</source>
        <translation>Classe {0!r} supprimée : ses images sont dans {1}.</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="390"/>
        <source>{0} image</source>
        <translation>{0} image</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="390"/>
        <source>{0} images</source>
        <translation>{0} images</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="10"/>
        <source>Class</source>
        <translation>Classe</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="15"/>
        <source>class name, e.g. red</source>
        <translation>nom de la classe, p. ex. rouge</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="15"/>
        <source>The name of this class (letters, digits, spaces; no &apos;/&apos; and no leading dot), then press Create.</source>
        <translation>Le nom de cette classe (lettres, chiffres, espaces ; pas de « / » ni de point au début), puis cliquez sur Créer.</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="16"/>
        <source>Create</source>
        <translation>Créer</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="16"/>
        <source>Make this class&apos;s folder; then Start records its pictures.</source>
        <translation>Crée le dossier de cette classe ; ensuite, Démarrer enregistre ses images.</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="18"/>
        <source>0 images</source>
        <translation>0 image</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="18"/>
        <source>How many pictures this class has</source>
        <translation>Nombre d’images de cette classe</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="19"/>
        <source>Add pictures (JPEG, PNG, BMP, WebP) or videos to this class; you can also drop files or folders on this form</source>
        <translation>Ajoute des images (JPEG, PNG, BMP, WebP) ou des vidéos à cette classe ; vous pouvez aussi déposer des fichiers ou des dossiers sur ce formulaire</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="20"/>
        <source>Edit the class name, then press Enter or Save name; split again afterwards</source>
        <translation>Modifiez le nom de la classe, puis appuyez sur Entrée ou Enregistrer le nom ; répartissez à nouveau ensuite</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="21"/>
        <source>Remove</source>
        <translation>Supprimer</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="21"/>
        <source>Remove this class: its pictures go to the trash (.ai_nano/trash), from where they can be restored</source>
        <translation>Supprime cette classe : ses images vont à la corbeille (.ai_nano/trash), d’où elles peuvent être restaurées</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="22"/>
        <source>The newest pictures of this class: select bad ones and press Delete.</source>
        <translation>Les images les plus récentes de cette classe : sélectionnez les mauvaises et cliquez sur Effacer.</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="23"/>
        <source>Delete</source>
        <translation>Effacer</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="23"/>
        <source>Move the selected pictures to the trash (.ai_nano/trash), from where they can be restored</source>
        <translation>Met les images sélectionnées à la corbeille (.ai_nano/trash), d’où elles peuvent être restaurées</translation>
    </message>
    <message>
        <location filename="../record_images.ui" line="17"/>
        <source>Record pictures of this class from the camera (about 5 a second) until Stop. Space starts and stops the selected class.</source>
        <translation>Enregistre des images de cette classe depuis la caméra (environ 5 par seconde) jusqu’à Arrêter. Espace démarre et arrête la classe sélectionnée.</translation>
    </message>
    <message>
        <location filename="../record_images.py" line="41"/>
        <source>Cannot read the images of {0!r}: {1}</source>
        <translation>Impossible de lire les images de {0!r} : {1}</translation>
    </message>
</context>
<context>
    <name>ResultsController</name>
    <message>
        <location filename="../window_results.py" line="136"/>
        <source>Trainings</source>
        <translation>Entraînements</translation>
    </message>
    <message>
        <location filename="../window_results.py" line="204"/>
        <source>Moved {0} to {1}; the next upload splits the pictures again.</source>
        <translation>{0} déplacée vers {1} ; le prochain envoi refait la répartition des images.</translation>
    </message>
    <message>
        <location filename="../window_results.py" line="228"/>
        <source>The last training of {0}, read from the DL server.</source>
        <translation>Le dernier entraînement de {0}, lu sur le serveur DL.</translation>
    </message>
    <message>
        <location filename="../window_results.py" line="260"/>
        <source>Model {0} chosen for the steps 6 to 8</source>
        <translation>Modèle {0} choisi pour les étapes 6 à 8</translation>
    </message>
    <message>
        <location filename="../window_results.py" line="277"/>
        <source>saving the model…</source>
        <translation>enregistrement du modèle…</translation>
    </message>
    <message>
        <location filename="../window_results.py" line="277"/>
        <source>Model saved in {0} (README.txt says how to run it)</source>
        <translation>Modèle enregistré dans {0} (README.txt explique comment l’exécuter)</translation>
    </message>
    <message>
        <location filename="../window_results.py" line="285"/>
        <source>Save the model in…</source>
        <translation>Enregistrer le modèle dans…</translation>
    </message>
</context>
<context>
    <name>TestResultsPanel</name>
    <message>
        <location filename="../widgets/results.py" line="41"/>
        <source>Class</source>
        <translation>Classe</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="41"/>
        <source>Correct / images</source>
        <translation>Correctes / images</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="41"/>
        <source>Accuracy</source>
        <translation>Précision</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="55"/>
        <source>Confusion matrix: rows are the true class, columns the class the model answered; the diagonal counts the correct answers.</source>
        <translation>Matrice de confusion : les lignes sont la vraie classe, les colonnes la classe répondue par le modèle ; la diagonale compte les bonnes réponses.</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="60"/>
        <source>Per class</source>
        <translation>Par classe</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="77"/>
        <source>No test results yet: they appear after the ONNX conversion.</source>
        <translation>Pas encore de résultats de test : ils apparaissent après la conversion en ONNX.</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="101"/>
        <source>the Nano&apos;s</source>
        <translation>celui de la Nano</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="105"/>
        <source>Computed with the Nano&apos;s preprocessing ({0}) on the images of test/, which the training never saw.</source>
        <translation>Calculé avec le prétraitement de la Nano ({0}) sur les images de test/, que l’entraînement n’a jamais vues.</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="130"/>
        <source>class #{0}</source>
        <translation>classe n° {0}</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="134"/>
        <source>true: {0}</source>
        <translation>vraie : {0}</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="144"/>
        <source>{0} image(s) of &apos;{1}&apos; answered as &apos;{2}&apos;</source>
        <translation>{0} image(s) de « {1} » reconnue(s) comme « {2} »</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="156"/>
        <source>{0} (&apos;{1}&apos; answered as &apos;{2}&apos;, {3:.0f} %)</source>
        <translation>{0} (« {1} » reconnue comme « {2} », {3:.0f} %)</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="159"/>
        <source> and {0} more</source>
        <translation> et {0} autre(s)</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="161"/>
        <source>Wrong answers in test/: {0}{1}.</source>
        <translation>Mauvaises réponses dans test/ : {0}{1}.</translation>
    </message>
    <message>
        <location filename="../widgets/results.py" line="98"/>
        <source>Test set: {0} of {1} images recognised ({2} %)</source>
        <translation>Ensemble de test : {0} images sur {1} reconnues ({2} %)</translation>
    </message>
</context>
<context>
    <name>TrainingPanel</name>
    <message>
        <location filename="../widgets/training.py" line="77"/>
        <source>Accuracy</source>
        <translation>Précision</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="289"/>
        <source>Loss</source>
        <translation>Perte</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="81"/>
        <source>loss</source>
        <translation>perte</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="123"/>
        <source>No training yet.</source>
        <translation>Pas encore d’entraînement.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="313"/>
        <source>not started</source>
        <translation>pas commencé</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="153"/>
        <source>Warning: {0}</source>
        <translation>Attention : {0}</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="162"/>
        <source>
(and {0} more in the Log)</source>
        <translation>
(et {0} de plus dans le Journal)</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="195"/>
        <source>{0} classes ({1})</source>
        <translation>{0} classes ({1})</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="197"/>
        <source>{0} classes</source>
        <translation>{0} classes</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="220"/>
        <source>Training failed: {0}</source>
        <translation>Échec de l’entraînement : {0}</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="226"/>
        <source>Waiting for the GPU ({0} ahead).</source>
        <translation>En attente du GPU ({0} avant vous).</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="227"/>
        <source>Pending in the cluster&apos;s queue ({0} ahead): {1}</source>
        <translation>En attente dans la file du cluster ({0} avant vous) : {1}</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="229"/>
        <source>Training is running on the DL server.</source>
        <translation>L’entraînement tourne sur le serveur DL.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="230"/>
        <source>Training stopped.</source>
        <translation>Entraînement arrêté.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="231"/>
        <source>Training failed (exit status {0}).</source>
        <translation>Échec de l’entraînement (code de sortie {0}).</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="289"/>
        <source>Loss (log scale)</source>
        <translation>Perte (échelle log)</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="310"/>
        <source>stopped early after epoch {0} of {1}</source>
        <translation>arrêt anticipé après l’époque {0} sur {1}</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="311"/>
        <source>finished: {0} of {1} epochs</source>
        <translation>terminé : {0} époques sur {1}</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="313"/>
        <source>starting…</source>
        <translation>démarrage…</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="318"/>
        <source>epoch {0} of {1}, time left ~ {2}</source>
        <translation>époque {0} sur {1}, temps restant ~ {2}</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="320"/>
        <source>epoch {0} of {1} (early stopping: likely about {2}), time left ~ {3}, at most {4}</source>
        <translation>époque {0} sur {1} (arrêt anticipé : probablement vers {2}), temps restant ~ {3}, au plus {4}</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="342"/>
        <source>Stopped early after epoch {0} of {1}: the validation accuracy did not improve for {2} epochs; the best model is from epoch {3}.</source>
        <translation>Arrêt anticipé après l’époque {0} sur {1} : la précision de validation ne s’est pas améliorée pendant {2} époques ; le meilleur modèle est celui de l’époque {3}.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="346"/>
        <source>Finished all {0} epochs; the best epoch was the last one: more epochs might still improve the model.</source>
        <translation>Les {0} époques sont terminées ; la meilleure était la dernière : plus d’époques pourraient encore améliorer le modèle.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="349"/>
        <source>Finished all {0} epochs; best epoch {1}.</source>
        <translation>Les {0} époques sont terminées ; meilleure époque : {1}.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="147"/>
        <source>Training from scratch (weights: {0}): expect a lower accuracy; more pictures and epochs help.</source>
        <translation>Entraînement à partir de zéro (poids : {0}) : précision plus faible à prévoir ; plus d’images et d’époques aident.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="173"/>
        <source>No GPU on the DL server: training runs on its CPU, much slower.</source>
        <translation>Pas de GPU sur le serveur DL : l’entraînement tourne sur son CPU, beaucoup plus lentement.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="179"/>
        <source>Few pictures: {0} for training in {1} classes (about {2} each); record more, with varied backgrounds and light.</source>
        <translation>Peu d’images : {0} pour l’entraînement en {1} classes (environ {2} chacune) ; enregistrez-en plus, avec des fonds et des éclairages variés.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="81"/>
        <source>epoch</source>
        <translation>époque</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="92"/>
        <source>train</source>
        <translation>entraînement</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="95"/>
        <source>validation</source>
        <translation>validation</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="89"/>
        <source>best</source>
        <translation>meilleure</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="200"/>
        <source>only the last layer, on the frozen network&apos;s features (head-only)</source>
        <translation>seulement la dernière couche, sur les caractéristiques du réseau figé (tête seule)</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="200"/>
        <source>the whole network (full fine-tuning)</source>
        <translation>tout le réseau (réglage fin complet)</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="202"/>
        <source>Training on {0}: {1}, {2} training and {3} validation images at {4} px; trains {5}.</source>
        <translation>Entraînement sur {0} : {1}, {2} images d’entraînement et {3} de validation en {4} px ; entraîne {5}.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="336"/>
        <source>Head-only training runs all {0} epochs and keeps the last one.</source>
        <translation>L’entraînement de la tête seule fait les {0} époques et garde la dernière.</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="329"/>
        <source>Best validation accuracy so far: {0} %</source>
        <translation>Meilleure précision de validation jusqu’ici : {0} %</translation>
    </message>
    <message>
        <location filename="../widgets/training.py" line="333"/>
        <source>Best validation accuracy: {0} % (epoch {1}); that model is the one exported.</source>
        <translation>Meilleure précision de validation : {0} % (époque {1}) ; c’est ce modèle qui est exporté.</translation>
    </message>
</context>
<context>
    <name>VirtualLed</name>
    <message>
        <location filename="../widgets/live.py" line="64"/>
        <source>pin {0}
{1}</source>
        <translation>broche {0}
{1}</translation>
    </message>
</context>
<context>
    <name>app_state</name>
    <message>
        <location filename="../app_state.py" line="95"/>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <location filename="../app_state.py" line="96"/>
        <source>Save log…</source>
        <translation>Enregistrer le journal…</translation>
    </message>
    <message>
        <location filename="../app_state.py" line="99"/>
        <source>About ai_nano</source>
        <translation>À propos d’ai_nano</translation>
    </message>
    <message>
        <location filename="../app_state.py" line="100"/>
        <source>ai_nano {0}

Log file: {1}</source>
        <translation>ai_nano {0}

Fichier journal : {1}</translation>
    </message>
    <message>
        <location filename="../app_state.py" line="100"/>
        <source>none</source>
        <translation>aucun</translation>
    </message>
    <message>
        <location filename="../app_state.py" line="112"/>
        <source>Save log</source>
        <translation>Enregistrer le journal</translation>
    </message>
    <message>
        <location filename="../app_state.py" line="117"/>
        <source>Log saved to {0}</source>
        <translation>Journal enregistré dans {0}</translation>
    </message>
    <message>
        <location filename="../app_state.py" line="124"/>
        <source>details in {0}</source>
        <translation>détails dans {0}</translation>
    </message>
    <message>
        <location filename="../app_state.py" line="124"/>
        <source>details on the console</source>
        <translation>détails dans la console</translation>
    </message>
    <message>
        <location filename="../app_state.py" line="135"/>
        <source>Unexpected error ({0}); the app goes on; {1}</source>
        <translation>Erreur inattendue ({0}) ; l’application continue ; {1}</translation>
    </message>
</context>
<context>
    <name>core</name>
    <message>
        <location filename="../core/archive.py" line="25"/>
        <source>The dataset is not split (or the split was interrupted): run Split first.</source>
        <translation>Les images ne sont pas réparties (ou la répartition a été interrompue) : lancez d’abord la répartition.</translation>
    </message>
    <message>
        <location filename="../core/archive.py" line="28"/>
        <source>The pictures changed since the split: run Split again, so that new pictures are trained and deleted ones are not.</source>
        <translation>Les images ont changé depuis la répartition : relancez la répartition, pour que les nouvelles images servent à l’entraînement et que les images supprimées n’y servent plus.</translation>
    </message>
    <message>
        <location filename="../core/archive.py" line="39"/>
        <source>{part}/ has no image of class {name!r}: record at least {least} images per class and split again.</source>
        <translation>{part}/ ne contient aucune image de la classe {name!r} : enregistrez au moins {least} images par classe, puis relancez la répartition.</translation>
    </message>
    <message>
        <location filename="../core/archive.py" line="71"/>
        <source>Building the archive was cancelled.</source>
        <translation>La création de l’archive a été annulée.</translation>
    </message>
    <message>
        <location filename="../core/archive.py" line="88"/>
        <source>Cannot write the archive {file}: {reason}.</source>
        <translation>Impossible d’écrire l’archive {file} : {reason}.</translation>
    </message>
    <message>
        <location filename="../core/capture.py" line="246"/>
        <source>OpenCV could not encode the image as JPEG.</source>
        <translation>OpenCV n’a pas pu encoder l’image en JPEG.</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="277"/>
        <source>not checked</source>
        <translation>non vérifié</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="99"/>
        <source>{size:.1f} GiB</source>
        <translation>{size:.1f} Gio</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="109"/>
        <source>{size} free</source>
        <translation>{size} libres</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="111"/>
        <source>only {size} free in {path}: free some space</source>
        <translation>seulement {size} libres dans {path} : libérez de la place</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="114"/>
        <source>little space left in {path}</source>
        <translation>peu de place libre dans {path}</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="124"/>
        <source>no PyTorch</source>
        <translation>pas de PyTorch</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="124"/>
        <source>{python} cannot import torch ({reason}): pip install torch torchvision</source>
        <translation>{python} ne peut pas importer torch ({reason}) : pip install torch torchvision</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="130"/>
        <source>no sbatch</source>
        <translation>pas de sbatch</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="130"/>
        <source>scheduler is slurm but sbatch is not on the PATH</source>
        <translation>l’ordonnanceur est slurm, mais sbatch n’est pas dans le PATH</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="133"/>
        <source>torch {version}, GPUs via Slurm (partition {partition})</source>
        <translation>torch {version}, GPU via Slurm (partition {partition})</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="136"/>
        <source>torch {version}, GPUs via Slurm</source>
        <translation>torch {version}, GPU via Slurm</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="142"/>
        <source> (+{count} more)</source>
        <translation> (+{count} autres)</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="144"/>
        <source>no CUDA device visible</source>
        <translation>aucun périphérique CUDA visible</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="145"/>
        <source>torch {version}, CPU only</source>
        <translation>torch {version}, CPU seulement</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="145"/>
        <source>{reason}: training will be slow</source>
        <translation>{reason} : l’entraînement sera lent</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="152"/>
        <source>no jetson-inference: runs on ONNX Runtime (slower than TensorRT)</source>
        <translation>pas de jetson-inference : exécution avec ONNX Runtime (plus lent que TensorRT)</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="154"/>
        <source>no inference runtime</source>
        <translation>aucun moteur d’inférence</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="154"/>
        <source>{python} imports neither jetson_inference ({jetson_error}) nor onnxruntime ({onnxruntime_error})</source>
        <translation>{python} n’importe ni jetson_inference ({jetson_error}) ni onnxruntime ({onnxruntime_error})</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="179"/>
        <source>old scripts; {text}</source>
        <translation>anciens scripts ; {text}</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="185"/>
        <source>stream, not checked</source>
        <translation>flux, non vérifié</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="185"/>
        <source>{camera} is not a device path</source>
        <translation>{camera} n’est pas un chemin de périphérique</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="188"/>
        <source>none</source>
        <translation>aucun</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="190"/>
        <source>no {path}</source>
        <translation>pas de {path}</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="190"/>
        <source>{path} does not exist (video devices found: {found})</source>
        <translation>{path} n’existe pas (périphériques vidéo trouvés : {found})</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="193"/>
        <source>{path}: no permission</source>
        <translation>{path} : accès refusé</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="193"/>
        <source>the login cannot read {path}: add it to the &apos;video&apos; group</source>
        <translation>le compte ne peut pas lire {path} : ajoutez-le au groupe « video »</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="207"/>
        <source>{python} not working</source>
        <translation>{python} ne fonctionne pas</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="211"/>
        <source>unexpected output</source>
        <translation>sortie inattendue</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="211"/>
        <source>{python} printed no check result</source>
        <translation>{python} n’a affiché aucun résultat de vérification</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="218"/>
        <source>{executable}: Python {needed} or newer is needed</source>
        <translation>{executable} : Python {needed} ou plus récent est nécessaire</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="233"/>
        <source>not needed</source>
        <translation>inutile</translation>
    </message>
    <message>
        <location filename="../core/pipeline.py" line="182"/>
        <source>this computer</source>
        <translation>cet ordinateur</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="259"/>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="239"/>
        <source>local</source>
        <translation>local</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="239"/>
        <source>as {login}</source>
        <translation>en tant que {login}</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="245"/>
        <source>no</source>
        <translation>non</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="246"/>
        <source>not reachable</source>
        <translation>injoignable</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="250"/>
        <source>unknown host key</source>
        <translation>clé d’hôte inconnue</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="250"/>
        <source>{machine} ({address}) presents an unknown {key_type} key {fingerprint}. If the machine&apos;s administrator confirms it, accept it in the window or with: python3 ai_nano.py --check --accept-new-host-keys</source>
        <translation>{machine} ({address}) présente une clé {key_type} inconnue {fingerprint}. Si l’administrateur de la machine la confirme, acceptez-la dans la fenêtre ou avec : python3 ai_nano.py --check --accept-new-host-keys</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="257"/>
        <source>host key not accepted</source>
        <translation>clé d’hôte non acceptée</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="260"/>
        <source>host key changed</source>
        <translation>clé d’hôte modifiée</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="260"/>
        <source>refused</source>
        <translation>refusée</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="263"/>
        <source>no login</source>
        <translation>pas de connexion</translation>
    </message>
    <message>
        <location filename="../core/checks.py" line="274"/>
        <source>error</source>
        <translation>erreur</translation>
    </message>
    <message>
        <location filename="../core/results.py" line="129"/>
        <source>Class {name!r} does not exist.</source>
        <translation>La classe {name!r} n’existe pas.</translation>
    </message>
    <message>
        <location filename="../core/classes.py" line="31"/>
        <source>A class {name!r} exists already: choose another name.</source>
        <translation>Une classe {name!r} existe déjà : choisissez un autre nom.</translation>
    </message>
    <message>
        <location filename="../core/classes.py" line="37"/>
        <source>Cannot rename class {name!r}: {reason}.</source>
        <translation>Impossible de renommer la classe {name!r} : {reason}.</translation>
    </message>
    <message>
        <location filename="../core/diagnosis.py" line="55"/>
        <source>No problem found: {accuracy:.0%} of the test pictures are recognised. Try the model on the Nano&apos;s camera now.</source>
        <translation>Aucun problème détecté : {accuracy:.0%} des images de test sont reconnues. Essayez maintenant le modèle avec la caméra de la Nano.</translation>
    </message>
    <message>
        <location filename="../core/diagnosis.py" line="91"/>
        <source>The model almost always answers &apos;{name}&apos;: {answered} of {total} test pictures ({share:.0%}). It has not learnt the differences yet: record more varied pictures of every class, then train again.</source>
        <translation>Le modèle répond presque toujours « {name} » : {answered} images de test sur {total} ({share:.0%}). Il n’a pas encore appris les différences : enregistrez des images plus variées de chaque classe, puis relancez l’entraînement.</translation>
    </message>
    <message>
        <location filename="../core/diagnosis.py" line="111"/>
        <source>Validation is much better than test: {best:.0%} against {test:.0%}. There are too few pictures, or they are too similar to each other (taken one after the other): record more pictures, moving the object and the camera.</source>
        <translation>La validation est bien meilleure que le test : {best:.0%} contre {test:.0%}. Il y a trop peu d’images, ou elles se ressemblent trop (prises les unes après les autres) : enregistrez plus d’images en déplaçant l’objet et la caméra.</translation>
    </message>
    <message>
        <location filename="../core/diagnosis.py" line="129"/>
        <source>Class &apos;{name}&apos; has far fewer pictures than &apos;{largest}&apos;: {number} against {largest_number}. The model then prefers &apos;{largest}&apos;: record about {more} more of &apos;{name}&apos;.</source>
        <translation>La classe « {name} » a beaucoup moins d’images que « {largest} » : {number} contre {largest_number}. Le modèle favorise alors « {largest} » : enregistrez environ {more} images de plus pour « {name} ».</translation>
    </message>
    <message>
        <location filename="../core/diagnosis.py" line="151"/>
        <source>&apos;{a}&apos; and &apos;{b}&apos; are confused with each other: {wrong} of their {pictures} test pictures ({share:.0%}; {a_as_b} &apos;{a}&apos; answered as &apos;{b}&apos;, {b_as_a} the other way). The model may be looking at the background: record them against different backgrounds.</source>
        <translation>« {a} » et « {b} » sont confondues : {wrong} de leurs {pictures} images de test ({share:.0%} ; {a_as_b} « {a} » reconnues comme « {b} », {b_as_a} dans l’autre sens). Le modèle regarde peut-être l’arrière-plan : enregistrez-les devant des arrière-plans différents.</translation>
    </message>
    <message>
        <location filename="../core/history.py" line="52"/>
        <source>DL server {name}</source>
        <translation>serveur DL {name}</translation>
    </message>
    <message>
        <location filename="../core/history.py" line="52"/>
        <source>DL server</source>
        <translation>serveur DL</translation>
    </message>
    <message>
        <location filename="../core/history.py" line="55"/>
        <source>deleted from the DL server</source>
        <translation>supprimé du serveur DL</translation>
    </message>
    <message>
        <location filename="../core/history.py" line="57"/>
        <source>Nano {names}</source>
        <translation>Nano {names}</translation>
    </message>
    <message>
        <location filename="../core/history.py" line="167"/>
        <source>Could not ask {machine} for the trainings: {reason}</source>
        <translation>Impossible d’obtenir les entraînements de {machine} : {reason}</translation>
    </message>
    <message>
        <location filename="../core/identity.py" line="34"/>
        <source>{login} on {laptop} since {since} (model {model})</source>
        <translation>{login} sur {laptop} depuis {since} (modèle {model})</translation>
    </message>
    <message>
        <location filename="../core/importing.py" line="43"/>
        <source>Imported {count} picture(s) into {name!r}</source>
        <translation>Images importées dans {name!r} : {count}</translation>
    </message>
    <message>
        <location filename="../core/importing.py" line="46"/>
        <source> (cancelled: the rest was not imported)</source>
        <translation> (annulé : le reste n’a pas été importé)</translation>
    </message>
    <message>
        <location filename="../core/importing.py" line="48"/>
        <source>; skipped {count}: {files}</source>
        <translation> ; fichiers ignorés ({count}) : {files}</translation>
    </message>
    <message>
        <location filename="../core/importing.py" line="51"/>
        <source>; … and {count} more</source>
        <translation> ; … et {count} autres</translation>
    </message>
    <message>
        <location filename="../core/importing.py" line="82"/>
        <source>OpenCV could not encode the picture as JPEG</source>
        <translation>OpenCV n’a pas pu encoder l’image en JPEG</translation>
    </message>
    <message>
        <location filename="../core/importing.py" line="146"/>
        <source>{file}: not a readable video</source>
        <translation>{file} : vidéo illisible</translation>
    </message>
    <message>
        <location filename="../core/importing.py" line="151"/>
        <source>{file}: not a readable picture</source>
        <translation>{file} : image illisible</translation>
    </message>
    <message>
        <location filename="../core/importing.py" line="157"/>
        <source>{file}: not a picture (JPEG, PNG, BMP, WebP) or a video</source>
        <translation>{file} : ni une image (JPEG, PNG, BMP, WebP) ni une vidéo</translation>
    </message>
    <message>
        <location filename="../core/jobs.py" line="45"/>
        <source>waiting for the GPU ({ahead} ahead)</source>
        <translation>en attente du GPU ({ahead} avant vous)</translation>
    </message>
    <message>
        <location filename="../core/jobs.py" line="46"/>
        <source>pending in the cluster&apos;s queue ({ahead} ahead)</source>
        <translation>en attente dans la file du cluster ({ahead} avant vous)</translation>
    </message>
    <message>
        <location filename="../core/jobs.py" line="46"/>
        <source>pending in the cluster&apos;s queue ({ahead} ahead): {reason}</source>
        <translation>en attente dans la file du cluster ({ahead} avant vous) : {reason}</translation>
    </message>
    <message>
        <location filename="../core/jobs.py" line="49"/>
        <source>job running</source>
        <translation>tâche en cours</translation>
    </message>
    <message>
        <location filename="../core/jobs.py" line="50"/>
        <source>job cancelled</source>
        <translation>tâche annulée</translation>
    </message>
    <message>
        <location filename="../core/jobs.py" line="50"/>
        <source>job cancelled: {reason}</source>
        <translation>tâche annulée : {reason}</translation>
    </message>
    <message>
        <location filename="../core/jobs.py" line="52"/>
        <source>job failed</source>
        <translation>échec de la tâche</translation>
    </message>
    <message>
        <location filename="../core/jobs.py" line="52"/>
        <source>job failed: {reason}</source>
        <translation>échec de la tâche : {reason}</translation>
    </message>
    <message>
        <location filename="../core/jobs.py" line="91"/>
        <source>The job goes on on {machine}; reopen the project to follow it again.</source>
        <translation>La tâche continue sur {machine} ; rouvrez le projet pour la suivre à nouveau.</translation>
    </message>
    <message>
        <location filename="../core/jobs.py" line="100"/>
        <source>Stopped</source>
        <translation>Arrêté</translation>
    </message>
    <message>
        <location filename="../core/jobs.py" line="106"/>
        <source>Lost the connection to {machine} and could not re-attach: {reason}</source>
        <translation>Connexion à {machine} perdue, impossible de s’y rattacher : {reason}</translation>
    </message>
    <message>
        <location filename="../core/jobs.py" line="109"/>
        <source>Connection to {machine} lost ({reason}); the job goes on there, re-attaching…</source>
        <translation>Connexion à {machine} perdue ({reason}) ; la tâche continue là-bas, reconnexion en cours…</translation>
    </message>
    <message>
        <location filename="../core/jobs.py" line="127"/>
        <source>could not start the job (exit status {rc})</source>
        <translation>impossible de lancer la tâche (code de sortie {rc})</translation>
    </message>
    <message>
        <location filename="../core/jobs.py" line="155"/>
        <source>Training stopped</source>
        <translation>Entraînement arrêté</translation>
    </message>
    <message>
        <location filename="../core/jobs.py" line="172"/>
        <source>Training failed: {reason}</source>
        <translation>Échec de l’entraînement : {reason}</translation>
    </message>
    <message>
        <location filename="../core/jobs.py" line="167"/>
        <source>Re-attaching to the training of {model}</source>
        <translation>Reprise du suivi de l’entraînement de {model}</translation>
    </message>
    <message>
        <location filename="../core/jobs.py" line="202"/>
        <source>Conversion to ONNX failed: {reason}</source>
        <translation>Échec de la conversion en ONNX : {reason}</translation>
    </message>
    <message>
        <location filename="../core/jobs.py" line="210"/>
        <source>Evaluation failed: {reason}</source>
        <translation>Échec de l’évaluation : {reason}</translation>
    </message>
    <message>
        <location filename="../core/layouts.py" line="55"/>
        <source>This folder looks like {layout}: {classes} class(es), {pictures} picture(s) outside images/ ({listed}). Bring them into this project? (they are linked or copied into images/; the originals stay)</source>
        <translation>Ce dossier ressemble à {layout} : classes : {classes}, images hors de images/ : {pictures} ({listed}). Les intégrer à ce projet ? (elles sont liées ou copiées dans images/ ; les originaux restent en place)</translation>
    </message>
    <message>
        <location filename="../core/layouts.py" line="166"/>
        <source>a jetson-inference dataset (train/val/test and labels.txt)</source>
        <translation>un jeu de données jetson-inference (train/val/test et labels.txt)</translation>
    </message>
    <message>
        <location filename="../core/layouts.py" line="169"/>
        <source>a working space of the original tool (pictures in train/val/test)</source>
        <translation>un espace de travail de l’outil d’origine (images dans train/val/test)</translation>
    </message>
    <message>
        <location filename="../core/layouts.py" line="172"/>
        <source>a folder of class folders</source>
        <translation>un dossier de dossiers de classes</translation>
    </message>
    <message>
        <location filename="../core/layouts.py" line="214"/>
        <source>Cannot bring {file} into images/{name}: {reason}</source>
        <translation>Impossible d’intégrer {file} dans images/{name} : {reason}</translation>
    </message>
    <message>
        <location filename="../core/machines/base.py" line="243"/>
        <source>{machine}: {program} failed (exit status {rc}): {last}</source>
        <translation>{machine} : échec de {program} (code de sortie {rc}) : {last}</translation>
    </message>
    <message>
        <location filename="../core/machines/base.py" line="282"/>
        <source>{machine}: cannot create folder {path}: {reason}</source>
        <translation>{machine} : impossible de créer le dossier {path} : {reason}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="219"/>
        <source>folder not found: {cwd}</source>
        <translation>dossier introuvable : {cwd}</translation>
    </message>
    <message>
        <location filename="../core/machines/local.py" line="113"/>
        <source>file not found: {source}</source>
        <translation>fichier introuvable : {source}</translation>
    </message>
    <message>
        <location filename="../core/machines/local.py" line="127"/>
        <source>cannot copy {source} to {target}: {reason}</source>
        <translation>impossible de copier {source} vers {target} : {reason}</translation>
    </message>
    <message>
        <location filename="../core/machines/local.py" line="145"/>
        <source>cannot create folder {remote}: {reason}</source>
        <translation>impossible de créer le dossier {remote} : {reason}</translation>
    </message>
    <message>
        <location filename="../core/machines/local.py" line="152"/>
        <source>cannot read {remote}: {reason}</source>
        <translation>impossible de lire {remote} : {reason}</translation>
    </message>
    <message>
        <location filename="../core/machines/local.py" line="164"/>
        <source>cannot write {remote}: {reason}</source>
        <translation>impossible d’écrire {remote} : {reason}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="58"/>
        <source>{machine}: the connection was lost during {what}</source>
        <translation>{machine} : la connexion a été perdue pendant l’opération « {what} »</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="61"/>
        <source>no such file or folder</source>
        <translation>fichier ou dossier introuvable</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="62"/>
        <source>permission denied</source>
        <translation>permission refusée</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="63"/>
        <source>no space left on the disk</source>
        <translation>plus de place sur le disque</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="246"/>
        <source>file not found on this computer: {local}</source>
        <translation>fichier introuvable sur cet ordinateur : {local}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="285"/>
        <source>downloading {remote}</source>
        <translation>téléchargement de {remote}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="299"/>
        <source>checking {path}</source>
        <translation>vérification de {path}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="308"/>
        <source>listing {path}</source>
        <translation>lecture du contenu de {path}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="317"/>
        <source>creating folder {path}</source>
        <translation>création du dossier {path}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="337"/>
        <source>reading {path}</source>
        <translation>lecture de {path}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="348"/>
        <source>removing {path}</source>
        <translation>suppression de {path}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/crowded.py" line="63"/>
        <source>{who} refused new connections: too many at once (tried for {seconds:g} s); its administrator can raise MaxStartups in sshd_config</source>
        <translation>{who} a refusé de nouvelles connexions : trop nombreuses à la fois (essais pendant {seconds:g} s) ; son administrateur peut augmenter MaxStartups dans sshd_config</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="38"/>
        <source>the passphrase in &quot;pwd&quot; does not open the key file {key_file}</source>
        <translation>la phrase de passe de « pwd » n’ouvre pas le fichier de clé {key_file}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="44"/>
        <source>{machine}: the key file {key_file} has a format this app cannot read ({kind}): convert it with ssh-keygen -p -f {key_file}</source>
        <translation>{machine} : le fichier de clé {key_file} a un format que l’application ne sait pas lire ({kind}) : convertissez-le avec ssh-keygen -p -f {key_file}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="51"/>
        <source>{machine}: the key file {key_file} is protected by a passphrase: put it in &quot;pwd&quot; or use ssh-agent</source>
        <translation>{machine} : le fichier de clé {key_file} est protégé par une phrase de passe : indiquez-la dans « pwd » ou utilisez ssh-agent</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="57"/>
        <source>{machine}: cannot read the key file {key_file}: {reason}</source>
        <translation>{machine} : impossible de lire le fichier de clé {key_file} : {reason}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="68"/>
        <source>nothing we can offer</source>
        <translation>rien de ce que nous pouvons proposer</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="69"/>
        <source>the key {key_file} was refused, and the server</source>
        <translation>la clé {key_file} a été refusée, et le serveur</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="69"/>
        <source>{problem}, and the server</source>
        <translation>{problem}, et le serveur</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="69"/>
        <source>the server</source>
        <translation>le serveur</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="73"/>
        <source>{who} does not accept password logins (it accepts: {accepts}): ask its administrator for a key and set &quot;key_file&quot;</source>
        <translation>{who} n’accepte pas les connexions par mot de passe (il accepte : {accepts}) : demandez une clé à son administrateur et indiquez-la dans « key_file »</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="77"/>
        <source>{problem}, and the password was refused</source>
        <translation>{problem}, et le mot de passe a été refusé</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="80"/>
        <source>the key {key_file} and the password were refused</source>
        <translation>la clé {key_file} et le mot de passe ont été refusés</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="83"/>
        <source>the key {key_file} was refused (not in the server&apos;s authorized_keys?)</source>
        <translation>la clé {key_file} a été refusée (absente du fichier authorized_keys du serveur ?)</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="86"/>
        <source>wrong password</source>
        <translation>mot de passe incorrect</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="87"/>
        <source>no password or key file in the config, and ssh-agent/~/.ssh keys were refused</source>
        <translation>aucun mot de passe ni fichier de clé dans la configuration, et les clés de ssh-agent/~/.ssh ont été refusées</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="112"/>
        <source>{machine}: the host key of {address} has CHANGED ({key}, remembered {expected}): refused; if the machine was reinstalled, remove its line from the known_hosts file</source>
        <translation>{machine} : la clé d’hôte de {address} a CHANGÉ ({key}, clé mémorisée {expected}) : connexion refusée ; si la machine a été réinstallée, supprimez sa ligne du fichier known_hosts</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="122"/>
        <source>{machine}: login as {login} on {address}: {reason}</source>
        <translation>{machine} : connexion en tant que {login} sur {address} : {reason}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="126"/>
        <source>{machine}: {address} did not answer within {timeout:g} s (switched off or not on this network?)</source>
        <translation>{machine} : {address} n’a pas répondu en {timeout:g} s (éteinte ou sur un autre réseau ?)</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="131"/>
        <source>{machine}: {address} refused the connection (no SSH server running on port {port}?)</source>
        <translation>{machine} : {address} a refusé la connexion (aucun serveur SSH sur le port {port} ?)</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="135"/>
        <source>{machine}: unknown host name {host!r}</source>
        <translation>{machine} : nom d’hôte inconnu {host!r}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="142"/>
        <source>{machine}: {address} accepted the connection but did not answer as an SSH server within {timeout:g} s</source>
        <translation>{machine} : {address} a accepté la connexion mais n’a pas répondu comme un serveur SSH en {timeout:g} s</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="146"/>
        <source>{machine}: SSH to {address} failed: {reason}</source>
        <translation>{machine} : échec de la connexion SSH à {address} : {reason}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="150"/>
        <source>{machine}: cannot reach {address}: {reason}</source>
        <translation>{machine} : impossible de joindre {address} : {reason}</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="35"/>
        <source>{nano} is in use by {holder}</source>
        <translation>{nano} est utilisée par {holder}</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="40"/>
        <source>{reason}.
Take it over? Their inference will stop and their window will say so.</source>
        <translation>{reason}.
La reprendre ? Son inférence s’arrêtera et sa fenêtre l’indiquera.</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="61"/>
        <source>{file} is not on {machine} yet: convert the model to ONNX first (step 6)</source>
        <translation>{file} n’est pas encore sur {machine} : convertissez d’abord le modèle en ONNX (étape 6)</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="64"/>
        <source>Model download</source>
        <translation>Téléchargement du modèle</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="66"/>
        <source>Getting ONNX file</source>
        <translation>Récupération du fichier ONNX</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="70"/>
        <source>Removing the stale TensorRT engine {file}</source>
        <translation>Suppression du moteur TensorRT périmé {file}</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="74"/>
        <source>Model upload</source>
        <translation>Envoi du modèle</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="100"/>
        <source>Model {model} is not complete on {machine}: upload it first (step 7)</source>
        <translation>Le modèle {model} est incomplet sur {machine} : envoyez-le d’abord (étape 7)</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="192"/>
        <source>Starting inference</source>
        <translation>Démarrage de l’inférence</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="157"/>
        <source>{machine} was taken over by {login} on {laptop}: your inference stopped (LEDs off)</source>
        <translation>{machine} a été reprise par {login} sur {laptop} : votre inférence s’est arrêtée (LED éteintes)</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="195"/>
        <source>Inference stopped</source>
        <translation>Inférence arrêtée</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="164"/>
        <source>Inference ended with an error: {reason}</source>
        <translation>L’inférence s’est terminée par une erreur : {reason}</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="147"/>
        <source>warning: a camera frame from {machine} arrived cut: skipped</source>
        <translation>avertissement : une image de la caméra de {machine} est arrivée tronquée : ignorée</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="157"/>
        <source>{machine} was taken over by {login} on {laptop}: your recording stopped</source>
        <translation>{machine} a été reprise par {login} sur {laptop} : votre enregistrement s’est arrêté</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="164"/>
        <source>Recording from the Nano ended with an error: {reason}</source>
        <translation>L’enregistrement depuis la Nano s’est terminé par une erreur : {reason}</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="220"/>
        <source>Recording from the camera of {machine}</source>
        <translation>Enregistrement depuis la caméra de {machine}</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="226"/>
        <source>Recording from the Nano stopped</source>
        <translation>Enregistrement depuis la Nano arrêté</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="226"/>
        <source>Recording from the Nano ended</source>
        <translation>Enregistrement depuis la Nano terminé</translation>
    </message>
    <message>
        <location filename="../core/nano_steps.py" line="241"/>
        <source>{machine}: LEDs left to the running inference of {holder}</source>
        <translation>{machine} : LED laissées à l’inférence en cours de {holder}</translation>
    </message>
    <message>
        <location filename="../core/pipeline.py" line="72"/>
        <source>{what} stopped; the partial file was removed</source>
        <translation>{what} : arrêt demandé ; le fichier partiel a été supprimé</translation>
    </message>
    <message>
        <location filename="../core/pipeline.py" line="107"/>
        <source>Stopped while waiting for another laptop to install the scripts</source>
        <translation>Arrêté en attendant qu’un autre ordinateur portable installe les scripts</translation>
    </message>
    <message>
        <location filename="../core/pipeline.py" line="134"/>
        <source>Installing {count} script(s) of {folder} into {remote_dir}</source>
        <translation>Installation des scripts de {folder} dans {remote_dir} (nombre : {count})</translation>
    </message>
    <message>
        <location filename="../core/pipeline.py" line="170"/>
        <source>{python} does not run on {machine}: {reason}</source>
        <translation>{python} ne fonctionne pas sur {machine} : {reason}</translation>
    </message>
    <message>
        <location filename="../core/pipeline.py" line="184"/>
        <source>{modules} missing on {where}: install with {command}</source>
        <translation>{modules} absent(s) sur {where} : installez avec {command}</translation>
    </message>
    <message>
        <location filename="../core/pipeline.py" line="192"/>
        <source>exit status {rc}</source>
        <translation>code de sortie {rc}</translation>
    </message>
    <message>
        <location filename="../core/pipeline.py" line="220"/>
        <source>The model name is empty: upload the data first (step 4)</source>
        <translation>Le nom du modèle est vide : envoyez d’abord les données (étape 4)</translation>
    </message>
    <message>
        <location filename="../core/pipeline.py" line="223"/>
        <source>The model name {name!r} is not a plain folder name (no &apos;/&apos;, no leading dot)</source>
        <translation>Le nom de modèle {name!r} n’est pas un simple nom de dossier (pas de « / », pas de point au début)</translation>
    </message>
    <message>
        <location filename="../core/pipeline.py" line="226"/>
        <source>The model name {name!r} has a control character or is too long</source>
        <translation>Le nom de modèle {name!r} contient un caractère de contrôle ou est trop long</translation>
    </message>
    <message>
        <location filename="../core/pipeline.py" line="255"/>
        <source>Could not reserve a model folder on {machine} after {tries} tries (models/ is crowded?)</source>
        <translation>Impossible de réserver un dossier de modèle sur {machine} après {tries} essais (models/ est-il encombré ?)</translation>
    </message>
    <message>
        <location filename="../core/pipeline.py" line="275"/>
        <source>Archive done ({size:.1f} MB)</source>
        <translation>Archive créée ({size:.1f} Mo)</translation>
    </message>
    <message>
        <location filename="../core/pipeline.py" line="280"/>
        <source>On DL, creation of the {model} directory</source>
        <translation>Sur le serveur DL, création du dossier {model}</translation>
    </message>
    <message>
        <location filename="../core/pipeline.py" line="287"/>
        <source>Not enough disk space on {machine}: {free:.0f} MB free, the dataset needs about {need:.0f} MB</source>
        <translation>Pas assez d’espace disque sur {machine} : {free:.0f} Mo libres, les données demandent environ {need:.0f} Mo</translation>
    </message>
    <message>
        <location filename="../core/pipeline.py" line="290"/>
        <source>Upload</source>
        <translation>Envoi</translation>
    </message>
    <message>
        <location filename="../core/pipeline.py" line="298"/>
        <source>Unpacking failed on {machine}: {reason}</source>
        <translation>Échec du désarchivage sur {machine} : {reason}</translation>
    </message>
    <message>
        <location filename="../core/pipeline.py" line="302"/>
        <source>Archive (tar) unpacked on the DL machine</source>
        <translation>Archive (tar) désarchivée sur le serveur DL</translation>
    </message>
    <message>
        <location filename="../core/pipeline.py" line="315"/>
        <source>The pictures changed since the last split: splitting again</source>
        <translation>Les images ont changé depuis la dernière répartition : nouvelle répartition</translation>
    </message>
    <message>
        <location filename="../core/protocol.py" line="327"/>
        <source>whole frame stretched to {w}x{h} (nearest neighbour), RGB, /255, ImageNet mean/std</source>
        <translation>image entière étirée en {w}x{h} (plus proche voisin), RVB, /255, moyenne/écart-type ImageNet</translation>
    </message>
    <message>
        <location filename="../core/results.py" line="80"/>
        <source>This evaluation comes from an older version of the scripts: only its first {count} wrong picture(s) are listed; convert again (step 6) to see all.</source>
        <translation>Cette évaluation vient d’une ancienne version des scripts : seules ses premières images mal reconnues sont listées ({count}) ; relancez la conversion (étape 6) pour les voir toutes.</translation>
    </message>
    <message>
        <location filename="../core/results.py" line="106"/>
        <source> and {count} more</source>
        <translation> et {count} autres</translation>
    </message>
    <message>
        <location filename="../core/results.py" line="108"/>
        <source>{count} wrong test picture(s) were removed or moved since the evaluation: {shown}.</source>
        <translation>Images de test mal reconnues supprimées ou déplacées depuis l’évaluation : {count} ({shown}).</translation>
    </message>
    <message>
        <location filename="../core/results.py" line="126"/>
        <source>{file} is no longer a picture of this project.</source>
        <translation>{file} n’est plus une image de ce projet.</translation>
    </message>
    <message>
        <location filename="../core/results.py" line="132"/>
        <source>{file} is already in class {name!r}.</source>
        <translation>{file} est déjà dans la classe {name!r}.</translation>
    </message>
    <message>
        <location filename="../core/results.py" line="137"/>
        <source>Cannot move {file}: {reason}.</source>
        <translation>Impossible de déplacer {file} : {reason}.</translation>
    </message>
    <message>
        <location filename="../core/results.py" line="149"/>
        <source>The model {model} is no longer on the DL server ({machine}): upload and train again.</source>
        <translation>Le modèle {model} n’est plus sur le serveur DL ({machine}) : renvoyez les données et relancez l’entraînement.</translation>
    </message>
    <message>
        <location filename="../core/results.py" line="162"/>
        <source>The test results of {model} on the DL server are damaged: convert again (step 6).</source>
        <translation>Les résultats de test de {model} sur le serveur DL sont endommagés : relancez la conversion (étape 6).</translation>
    </message>
    <message>
        <location filename="../core/results.py" line="208"/>
        <source>No ONNX file for {model} on the DL server: convert the model first (step 6).</source>
        <translation>Pas de fichier ONNX pour {model} sur le serveur DL : convertissez d’abord le modèle (étape 6).</translation>
    </message>
    <message>
        <location filename="../core/results.py" line="221"/>
        <source>Cannot save the model in {folder}: {reason}.</source>
        <translation>Impossible d’enregistrer le modèle dans {folder} : {reason}.</translation>
    </message>
    <message>
        <location filename="../core/split.py" line="71"/>
        <source>Only {count} class(es) with images: a classifier needs at least 2.</source>
        <translation>Classes contenant des images : {count} seulement ; un classifieur en demande au moins 2.</translation>
    </message>
    <message>
        <location filename="../core/split.py" line="75"/>
        <source>Class {name!r} has no images: it is left out of the split.</source>
        <translation>La classe {name!r} n’a aucune image : elle est exclue de la répartition.</translation>
    </message>
    <message>
        <location filename="../core/split.py" line="78"/>
        <source>Class {name!r} has {number} image(s): at least {least} are needed so that val/ and test/ each get one.</source>
        <translation>La classe {name!r} n’a que {number} image(s) : il en faut au moins {least} pour que val/ et test/ en reçoivent chacun une.</translation>
    </message>
    <message>
        <location filename="../core/split.py" line="86"/>
        <source>Class {name!r} has {number} images, more than twice class {smallest!r} ({smallest_number}): the model will favour {name!r}.</source>
        <translation>La classe {name!r} a {number} images, plus du double de la classe {smallest!r} ({smallest_number}) : le modèle favorisera {name!r}.</translation>
    </message>
    <message>
        <location filename="../core/split.py" line="98"/>
        <source>{count} picture(s) in train/, val/ or test/ are not in images/: they are brought into images/ first, so the split keeps them.</source>
        <translation>Images de train/, val/ ou test/ absentes de images/ : {count} ; elles sont d’abord intégrées à images/, pour que la répartition les garde.</translation>
    </message>
    <message>
        <location filename="../core/split.py" line="147"/>
        <source>{count} picture(s) found only in train/, val/ or test/ were brought into images/.</source>
        <translation>Images trouvées seulement dans train/, val/ ou test/ et intégrées à images/ : {count}.</translation>
    </message>
    <message>
        <location filename="../core/split.py" line="151"/>
        <source>No images recorded yet: record some images of each class first.</source>
        <translation>Aucune image enregistrée : enregistrez d’abord des images de chaque classe.</translation>
    </message>
    <message>
        <location filename="../core/split.py" line="172"/>
        <source>The split failed: {reason}.</source>
        <translation>La répartition a échoué : {reason}.</translation>
    </message>
    <message>
        <location filename="../core/split.py" line="175"/>
        <source>The split failed: {reason} ({file}).</source>
        <translation>La répartition a échoué : {reason} ({file}).</translation>
    </message>
    <message>
        <location filename="../core/tasks.py" line="43"/>
        <source>{folder} is not a folder</source>
        <translation>{folder} n’est pas un dossier</translation>
    </message>
    <message>
        <location filename="../core/tasks.py" line="47"/>
        <source>Cannot use {folder} as working space: {reason}</source>
        <translation>Impossible d’utiliser {folder} comme espace de travail : {reason}</translation>
    </message>
    <message>
        <location filename="../core/tasks.py" line="50"/>
        <source>{folder} is not writable: choose another working space</source>
        <translation>{folder} n’est pas accessible en écriture : choisissez un autre espace de travail</translation>
    </message>
    <message>
        <location filename="../core/tasks.py" line="66"/>
        <source>Brought {count} picture(s) into {folder} (originals left in place)</source>
        <translation>Images intégrées dans {folder} : {count} (les originaux restent en place)</translation>
    </message>
    <message>
        <location filename="../core/tasks.py" line="92"/>
        <source>Images split to train, val and test directories</source>
        <translation>Images réparties dans les dossiers train, val et test</translation>
    </message>
    <message>
        <location filename="../core/tasks.py" line="104"/>
        <source>Split the images first (step 3)</source>
        <translation>Répartissez d’abord les images (étape 3)</translation>
    </message>
    <message>
        <location filename="../core/trash.py" line="47"/>
        <source>No free name for {file} in {folder}</source>
        <translation>Aucun nom libre pour {file} dans {folder}</translation>
    </message>
    <message>
        <location filename="../core/trash.py" line="79"/>
        <source>Could not move {file} to {folder}</source>
        <translation>Impossible de déplacer {file} vers {folder}</translation>
    </message>
    <message>
        <location filename="../core/trash.py" line="105"/>
        <source>{path} is not inside the working space {root}</source>
        <translation>{path} n’est pas dans l’espace de travail {root}</translation>
    </message>
    <message>
        <location filename="../core/trash.py" line="108"/>
        <source>{file} is already in the trash</source>
        <translation>{file} est déjà dans la corbeille</translation>
    </message>
    <message>
        <location filename="../core/trash.py" line="121"/>
        <source>Cannot move {file} to the trash: {reason}</source>
        <translation>Impossible de mettre {file} à la corbeille : {reason}</translation>
    </message>
    <message>
        <location filename="../core/trash.py" line="153"/>
        <source>{file} is not in the trash of {root}</source>
        <translation>{file} n’est pas dans la corbeille de {root}</translation>
    </message>
    <message>
        <location filename="../core/trash.py" line="157"/>
        <source>{file} is not in the trash&apos;s manifest</source>
        <translation>{file} n’est pas dans l’inventaire de la corbeille</translation>
    </message>
    <message>
        <location filename="../core/trash.py" line="163"/>
        <source>Cannot restore {file}: {reason}</source>
        <translation>Impossible de restaurer {file} : {reason}</translation>
    </message>
    <message>
        <location filename="../core/version.py" line="24"/>
        <source>scripts there come from an ai_nano older than {version}: the next step that uses them replaces them</source>
        <translation>les scripts présents viennent d’un ai_nano antérieur à {version} : la prochaine étape qui les utilise les remplace</translation>
    </message>
    <message>
        <location filename="../core/version.py" line="27"/>
        <source>scripts there come from ai_nano {deployed}, this app is {version}: the next step that uses them replaces them</source>
        <translation>les scripts présents viennent d’ai_nano {deployed}, cette application est en version {version} : la prochaine étape qui les utilise les remplace</translation>
    </message>
    <message>
        <location filename="../core/workspace.py" line="58"/>
        <source>A class name must be text.</source>
        <translation>Un nom de classe doit être du texte.</translation>
    </message>
    <message>
        <location filename="../core/workspace.py" line="61"/>
        <source>The class name is empty: type a name such as &apos;red&apos;.</source>
        <translation>Le nom de classe est vide : tapez un nom, par exemple « rouge ».</translation>
    </message>
    <message>
        <location filename="../core/workspace.py" line="64"/>
        <source>The class name is {length} characters long: at most {most} allowed.</source>
        <translation>Le nom de classe fait {length} caractères : {most} au maximum.</translation>
    </message>
    <message>
        <location filename="../core/workspace.py" line="68"/>
        <source>The class name {name!r} contains a path separator (&apos;/&apos; or &apos;\&apos;).</source>
        <translation>Le nom de classe {name!r} contient un séparateur de chemin (« / » ou « \ »).</translation>
    </message>
    <message>
        <location filename="../core/workspace.py" line="71"/>
        <source>The class name {name!r} starts with a dot: choose another name.</source>
        <translation>Le nom de classe {name!r} commence par un point : choisissez un autre nom.</translation>
    </message>
    <message>
        <location filename="../core/workspace.py" line="74"/>
        <source>The class name {name!r} contains a control character.</source>
        <translation>Le nom de classe {name!r} contient un caractère de contrôle.</translation>
    </message>
    <message>
        <location filename="../core/workspace.py" line="228"/>
        <source>Cannot create the folder for class {name!r}: {reason}.</source>
        <translation>Impossible de créer le dossier de la classe {name!r} : {reason}.</translation>
    </message>
    <message>
        <location filename="../core/workspace.py" line="261"/>
        <source>Class {name!r} does not exist: press Create first.</source>
        <translation>La classe {name!r} n’existe pas : cliquez d’abord sur Créer.</translation>
    </message>
    <message>
        <location filename="../core/workspace.py" line="269"/>
        <source>Cannot save an image of class {name!r}: {reason} (the working space became read-only).</source>
        <translation>Impossible d’enregistrer une image de la classe {name!r} : {reason} (l’espace de travail est passé en lecture seule).</translation>
    </message>
    <message>
        <location filename="../core/workspace.py" line="269"/>
        <source>Cannot save an image of class {name!r}: {reason}.</source>
        <translation>Impossible d’enregistrer une image de la classe {name!r} : {reason}.</translation>
    </message>
    <message>
        <location filename="../core/workspace.py" line="296"/>
        <source>Could not find a free image number in {folder}.</source>
        <translation>Aucun numéro d’image libre dans {folder}.</translation>
    </message>
    <message>
        <location filename="../core/workspace.py" line="305"/>
        <source>The image {file} no longer exists.</source>
        <translation>L’image {file} n’existe plus.</translation>
    </message>
    <message>
        <location filename="../core/workspace.py" line="309"/>
        <source>{path} is not a recorded image of this workspace.</source>
        <translation>{path} n’est pas une image enregistrée de cet espace de travail.</translation>
    </message>
    <message>
        <location filename="../core/camera.py" line="62"/>
        <source>No camera chosen: pick one from the list or type 0, /dev/video0, a video file or a URL.</source>
        <translation>Aucune caméra choisie : choisissez-en une dans la liste ou tapez 0, /dev/video0, un fichier vidéo ou une URL.</translation>
    </message>
    <message>
        <location filename="../core/camera.py" line="140"/>
        <source>The camera {source} is closed.</source>
        <translation>La caméra {source} est fermée.</translation>
    </message>
    <message>
        <location filename="../core/camera.py" line="184"/>
        <source>The stream {source} stopped sending images (network or server down?).</source>
        <translation>Le flux {source} n’envoie plus d’images (réseau ou serveur en panne ?).</translation>
    </message>
    <message>
        <location filename="../core/camera.py" line="187"/>
        <source>The video file {source} cannot be read any more.</source>
        <translation>Le fichier vidéo {source} ne peut plus être lu.</translation>
    </message>
    <message>
        <location filename="../core/camera.py" line="189"/>
        <source>The camera {source} stopped sending images (unplugged?).</source>
        <translation>La caméra {source} n’envoie plus d’images (débranchée ?).</translation>
    </message>
    <message>
        <location filename="../core/camera.py" line="202"/>
        <source>No camera number {number} on this computer ({device} does not exist).</source>
        <translation>Pas de caméra numéro {number} sur cet ordinateur ({device} n’existe pas).</translation>
    </message>
    <message>
        <location filename="../core/camera.py" line="208"/>
        <source>No camera at {device}: the device does not exist (plugged in?).</source>
        <translation>Pas de caméra sur {device} : le périphérique n’existe pas (est-elle branchée ?).</translation>
    </message>
    <message>
        <location filename="../core/camera.py" line="211"/>
        <source>No permission to read {device}: add your user to the &apos;video&apos; group.</source>
        <translation>Pas le droit de lire {device} : ajoutez votre compte au groupe « video ».</translation>
    </message>
    <message>
        <location filename="../core/camera.py" line="217"/>
        <source>Video file not found: {path}.</source>
        <translation>Fichier vidéo introuvable : {path}.</translation>
    </message>
    <message>
        <location filename="../core/camera.py" line="225"/>
        <source>Cannot open camera number {source}.</source>
        <translation>Impossible d’ouvrir la caméra numéro {source}.</translation>
    </message>
    <message>
        <location filename="../core/camera.py" line="226"/>
        <source>Cannot open the camera {source}.</source>
        <translation>Impossible d’ouvrir la caméra {source}.</translation>
    </message>
    <message>
        <location filename="../core/camera.py" line="227"/>
        <source>Cannot open the video file {source} (format not supported?).</source>
        <translation>Impossible d’ouvrir le fichier vidéo {source} (format non pris en charge ?).</translation>
    </message>
    <message>
        <location filename="../core/camera.py" line="229"/>
        <source>Cannot open the stream {source} (wrong address, or server not answering).</source>
        <translation>Impossible d’ouvrir le flux {source} (adresse erronée, ou serveur qui ne répond pas).</translation>
    </message>
    <message>
        <location filename="../core/capture.py" line="143"/>
        <source>The camera stopped because of an internal error (see the log).</source>
        <translation>La caméra s’est arrêtée à cause d’une erreur interne (voir le journal).</translation>
    </message>
    <message>
        <location filename="../core/capture.py" line="176"/>
        <source>{reason} Images already recorded are kept.</source>
        <translation>{reason} Les images déjà enregistrées sont conservées.</translation>
    </message>
    <message>
        <location filename="../core/capture.py" line="206"/>
        <source>No camera: cannot record &apos;{name}&apos;. Check the camera and press Start again.</source>
        <translation>Pas de caméra : impossible d’enregistrer « {name} ». Vérifiez la caméra et cliquez à nouveau sur Démarrer.</translation>
    </message>
    <message>
        <location filename="../core/capture.py" line="216"/>
        <source>Cannot open the camera {source}: {reason}</source>
        <translation>Impossible d’ouvrir la caméra {source} : {reason}</translation>
    </message>
    <message>
        <location filename="../core/capture.py" line="252"/>
        <source>{reason} Recording stopped; images already recorded are kept.</source>
        <translation>{reason} Enregistrement arrêté ; les images déjà enregistrées sont conservées.</translation>
    </message>
    <message>
        <location filename="../core/capture.py" line="257"/>
        <source>Saving an image failed (see the log). Recording stopped.</source>
        <translation>L’enregistrement d’une image a échoué (voir le journal). Enregistrement arrêté.</translation>
    </message>
    <message>
        <location filename="../core/machines/base.py" line="91"/>
        <source>{address} is not known yet: its {key_type} key is {fingerprint}; confirm it before connecting</source>
        <translation>{address} n’est pas encore connue : sa clé {key_type} est {fingerprint} ; confirmez-la avant de vous connecter</translation>
    </message>
    <message>
        <location filename="../core/machines/base.py" line="360"/>
        <source>{machine}: the command took longer than {seconds:g} s and was stopped</source>
        <translation>{machine} : la commande a duré plus de {seconds:g} s et a été arrêtée</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="99"/>
        <source>{machine}: key file not found: {key_file}</source>
        <translation>{machine} : fichier de clé introuvable : {key_file}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="148"/>
        <source>{machine}: the connection is closed</source>
        <translation>{machine} : la connexion est fermée</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="187"/>
        <source>starting {program}</source>
        <translation>lancement de {program}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="224"/>
        <source>{machine}: the connection was lost while {program} was running</source>
        <translation>{machine} : la connexion a été perdue pendant l’exécution de {program}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="249"/>
        <source>uploading {file}</source>
        <translation>envoi de {file}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="273"/>
        <source>{what}: no space left on the disk ({free:.1f} MB free, {size:.1f} MB needed)</source>
        <translation>{what} : plus de place sur le disque ({free:.1f} Mo libres, {size:.1f} Mo nécessaires)</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="291"/>
        <source>downloading {remote}: got {got} of {size} bytes</source>
        <translation>téléchargement de {remote} : {got} octets reçus sur {size}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="322"/>
        <source>{path} exists and is not a folder</source>
        <translation>{path} existe et n’est pas un dossier</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="343"/>
        <source>writing {path}</source>
        <translation>écriture de {path}</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/connection.py" line="368"/>
        <source>cannot read the free space of {path} from df</source>
        <translation>impossible de lire l’espace libre de {path} avec df</translation>
    </message>
    <message>
        <location filename="../core/machines/ssh/login.py" line="100"/>
        <source>SFTP does not start: the login on {host} prints text in non-interactive shells (a greeting in ~/.bashrc or ~/.profile?); make it print only in interactive shells, e.g. put `[ -t 1 ] || return` or `case $- in *i*) ;; *) return;; esac` at the top of ~/.bashrc</source>
        <translation>SFTP ne démarre pas : la session sur {host} affiche du texte dans les shells non interactifs (un message d’accueil dans ~/.bashrc ou ~/.profile ?) ; faites-le afficher seulement dans les shells interactifs, par exemple en mettant `[ -t 1 ] || return` ou `case $- in *i*) ;; *) return;; esac` au début de ~/.bashrc</translation>
    </message>
    <message>
        <location filename="../core/config.py" line="150"/>
        <source>{file}: no Jetson Nano named {name!r} (known: {known})</source>
        <translation>{file} : aucune Jetson Nano nommée {name!r} (connues : {known})</translation>
    </message>
    <message>
        <location filename="../core/config.py" line="159"/>
        <source>{path}: file not found</source>
        <translation>{path} : fichier introuvable</translation>
    </message>
    <message>
        <location filename="../core/config.py" line="162"/>
        <source>{path}: not UTF-8 text (byte {byte})</source>
        <translation>{path} : ce n’est pas du texte UTF-8 (octet {byte})</translation>
    </message>
    <message>
        <location filename="../core/config.py" line="165"/>
        <source>{path}: cannot read ({reason})</source>
        <translation>{path} : lecture impossible ({reason})</translation>
    </message>
    <message>
        <location filename="../core/config.py" line="174"/>
        <source>jetson_nano must be a list [...], not {actual}</source>
        <translation>jetson_nano doit être une liste [...], pas {actual}</translation>
    </message>
    <message>
        <location filename="../core/config.py" line="182"/>
        <source>{key} {name!r} is used twice</source>
        <translation>{key} {name!r} est utilisé deux fois</translation>
    </message>
    <message>
        <location filename="../core/config.py" line="199"/>
        <source>the file must hold a JSON object {{...}}, not {actual}</source>
        <translation>le fichier doit contenir un objet JSON {{...}}, pas {actual}</translation>
    </message>
    <message>
        <location filename="../core/config.py" line="203"/>
        <source>DL_server is missing (and there is no jetson_nano either)</source>
        <translation>la clé DL_server manque (et il n’y a pas non plus de jetson_nano)</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="44"/>
        <source>a string</source>
        <translation>une chaîne de caractères</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="45"/>
        <source>an integer</source>
        <translation>un entier</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="46"/>
        <source>a number</source>
        <translation>un nombre</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="47"/>
        <source>an object</source>
        <translation>un objet</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="48"/>
        <source>a list</source>
        <translation>une liste</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="49"/>
        <source>true or false</source>
        <translation>true ou false</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="52"/>
        <source>Expecting &apos;,&apos; delimiter</source>
        <translation>une virgule « , » est attendue</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="52"/>
        <source>Expecting &apos;:&apos; delimiter</source>
        <translation>un deux-points « : » est attendu</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="52"/>
        <source>Expecting value</source>
        <translation>une valeur est attendue</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="52"/>
        <source>Expecting property name enclosed in double quotes</source>
        <translation>un nom de clé entre guillemets doubles est attendu</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="52"/>
        <source>Extra data</source>
        <translation>du texte suit la fin de l’objet JSON</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="52"/>
        <source>Unterminated string starting at</source>
        <translation>une chaîne de caractères commencée ici n’est pas fermée</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="88"/>
        <source>{file}: {problem}</source>
        <translation>{file} : {problem}</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="103"/>
        <source>{key} is missing</source>
        <translation>la clé {key} manque</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="112"/>
        <source>{first} or {second}</source>
        <translation>{first} ou {second}</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="114"/>
        <source>{key} must be {expected}, not {actual}</source>
        <translation>{key} doit être {expected}, pas {actual}</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="121"/>
        <source>unknown key {key} (ignored)</source>
        <translation>clé inconnue {key} (ignorée)</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="126"/>
        <source>{key} must be an object, not {actual}</source>
        <translation>{key} doit être un objet, pas {actual}</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="132"/>
        <source>{key} must be {minimum} or more, not {value}</source>
        <translation>{key} doit valoir au moins {minimum}, pas {value}</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="142"/>
        <source>{key} must be a host name, an address or &quot;local&quot;</source>
        <translation>{key} doit être un nom d’hôte, une adresse ou &quot;local&quot;</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="167"/>
        <source>{key} is empty</source>
        <translation>{key} est vide</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="159"/>
        <source>{key} must be &quot;ssh&quot; or &quot;local&quot;, not {value!r}</source>
        <translation>{key} doit être &quot;ssh&quot; ou &quot;local&quot;, pas {value!r}</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="162"/>
        <source>{key}: ip &quot;local&quot; cannot use transport &quot;ssh&quot;</source>
        <translation>{key} : ip &quot;local&quot; ne peut pas utiliser transport &quot;ssh&quot;</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="170"/>
        <source>{key} must be between 1 and 65535, not {value}</source>
        <translation>{key} doit être compris entre 1 et 65535, pas {value}</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="174"/>
        <source>{key} must be &quot;slurm&quot; or &quot;&quot;, not {value!r}</source>
        <translation>{key} doit être &quot;slurm&quot; ou &quot;&quot;, pas {value!r}</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="180"/>
        <source>{key} must be 0 (one per GPU) or more, not {value}</source>
        <translation>{key} doit valoir 0 (un par GPU) ou plus, pas {value}</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="197"/>
        <source>{key} must be a list of pin numbers such as [12, 16, 18]</source>
        <translation>{key} doit être une liste de numéros de broches, par exemple [12, 16, 18]</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="201"/>
        <source>{key}: {pin} is not a GPIO pin of the Nano&apos;s header (BOARD numbering: {pins})</source>
        <translation>{key} : {pin} n’est pas une broche GPIO du connecteur de la Nano (numérotation BOARD : {pins})</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="205"/>
        <source>{key} lists a pin twice: {pins}</source>
        <translation>{key} contient deux fois la même broche : {pins}</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="225"/>
        <source>{key} must be one of {choices}, not {value!r}</source>
        <translation>{key} doit être l’une des valeurs {choices}, pas {value!r}</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="236"/>
        <source>key {key!r} appears twice in the same object</source>
        <translation>la clé {key!r} apparaît deux fois dans le même objet</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="252"/>
        <source>{file} holds passwords and other users can read it: run chmod 600 {path}</source>
        <translation>{file} contient des mots de passe et d’autres utilisateurs peuvent le lire : lancez chmod 600 {path}</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="266"/>
        <source>{file}: line {line}, column {column}: a comma after the last item (before &apos;{closing}&apos;): remove it, JSON does not allow it</source>
        <translation>{file} : ligne {line}, colonne {column} : une virgule après le dernier élément (avant « {closing} ») : supprimez-la, JSON ne l’autorise pas</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="269"/>
        <source>{file}: line {line}, column {column}: {error}</source>
        <translation>{file} : ligne {line}, colonne {column} : {error}</translation>
    </message>
    <message>
        <location filename="../core/config_check.py" line="280"/>
        <source>{key} must be one of {choices}, not {value!r} (ignored)</source>
        <translation>{key} doit être l’une des valeurs {choices}, pas {value!r} (valeur ignorée)</translation>
    </message>
    <message>
        <location filename="../core/config.py" line="148"/>
        <source>{file}: no Jetson Nano named {name!r} (known: none)</source>
        <translation>{file} : aucune Jetson Nano nommée {name!r} (le fichier n’en décrit aucune)</translation>
    </message>
    <message>
        <location filename="../core/capture.py" line="198"/>
        <source>The camera is lent to the Nano: recording of &apos;{name}&apos; stopped.</source>
        <translation>La caméra est prêtée à la Nano : l’enregistrement de « {name} » est arrêté.</translation>
    </message>
    <message>
        <location filename="../core/handover.py" line="42"/>
        <source>The preview did not release the camera in time: try step 8 again (or close other programs using it)</source>
        <translation>L’aperçu n’a pas libéré la caméra à temps : relancez l’étape 8 (ou fermez les autres programmes qui l’utilisent)</translation>
    </message>
    <message>
        <location filename="../core/nano_camera.py" line="95"/>
        <source>The camera of {nano} sends no pictures.</source>
        <translation>La caméra de {nano} n’envoie aucune image.</translation>
    </message>
    <message>
        <location filename="../core/nano_camera.py" line="101"/>
        <source>The camera of {nano} stopped: {reason}.</source>
        <translation>La caméra de {nano} s’est arrêtée : {reason}.</translation>
    </message>
    <message>
        <location filename="../core/nano_camera.py" line="101"/>
        <source>the recording ended</source>
        <translation>l’enregistrement est terminé</translation>
    </message>
    <message>
        <location filename="../core/nano_camera.py" line="107"/>
        <source>A picture from {nano} does not decode.</source>
        <translation>Une image de {nano} ne peut pas être décodée.</translation>
    </message>
    <message>
        <location filename="../core/nano_camera.py" line="146"/>
        <source>&apos;{name}&apos; is not a class of this project: create it in step 2 first</source>
        <translation>« {name} » n’est pas une classe de ce projet : créez-la d’abord à l’étape 2</translation>
    </message>
    <message>
        <location filename="../core/classroom.py" line="136"/>
        <source>down: {error}</source>
        <translation>hors service : {error}</translation>
    </message>
    <message>
        <location filename="../core/classroom.py" line="138"/>
        <source>free</source>
        <translation>libre</translation>
    </message>
    <message>
        <location filename="../core/classroom.py" line="140"/>
        <source>in use by {login} on {laptop} since {since}</source>
        <translation>utilisée par {login} sur {laptop} depuis {since}</translation>
    </message>
    <message>
        <location filename="../core/classroom.py" line="157"/>
        <source>{login} on {laptop}</source>
        <translation>{login} sur {laptop}</translation>
    </message>
    <message>
        <location filename="../core/classroom.py" line="198"/>
        <source>{machine}: {python} printed no class status</source>
        <translation>{machine} : {python} n’a pas donné l’état de la classe</translation>
    </message>
    <message>
        <location filename="../core/classroom.py" line="220"/>
        <source>{python} printed no status</source>
        <translation>{python} n’a pas donné d’état</translation>
    </message>
    <message>
        <location filename="../core/classroom.py" line="232"/>
        <source>{nano} and {other} are the same machine ({address}) in config.json</source>
        <translation>{nano} et {other} sont la même machine ({address}) dans config.json</translation>
    </message>
    <message>
        <location filename="../core/classroom.py" line="245"/>
        <source>no DL server in config.json</source>
        <translation>aucun serveur DL dans config.json</translation>
    </message>
    <message>
        <location filename="../core/classroom.py" line="261"/>
        <source>Could not stop {model}: {reason}</source>
        <translation>Impossible d’arrêter {model} : {reason}</translation>
    </message>
    <message>
        <location filename="../core/classroom.py" line="263"/>
        <source>Training {model} stopped</source>
        <translation>Entraînement de {model} arrêté</translation>
    </message>
    <message>
        <location filename="../core/classroom.py" line="309"/>
        <source>{nano}: {reason}</source>
        <translation>{nano} : {reason}</translation>
    </message>
    <message>
        <location filename="../core/classroom.py" line="293"/>
        <source>{nano}: inference stopped, LEDs off</source>
        <translation>{nano} : inférence arrêtée, LED éteintes</translation>
    </message>
    <message>
        <location filename="../core/classroom.py" line="315"/>
        <source>{share:.1%}</source>
        <translation>{share:.1%}</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <location filename="../window_input.py" line="59"/>
        <source>Choose the working space (or make a new folder)</source>
        <translation>Choisissez l’espace de travail (ou créez un nouveau dossier)</translation>
    </message>
</context>
</TS>
